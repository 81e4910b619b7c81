import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { spawnPty, spawnPtyProgram } from '../support/pty.js';

const TERMINAL_MODULE = fileURLToPath(new URL('../../dist/src/tui/terminal.js', import.meta.url));
let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('an uncaught error restores the terminal, is written to <home>/tui.log and named on stderr', async () => {
  dir = await mkdtemp(join(tmpdir(), 'fastchat-crash-'));
  const home = join(dir, 'home');
  const script = join(dir, 'crash.mjs');
  // The real runTui (compiled), on the login screen, then an error nothing catches.
  await writeFile(
    script,
    `import { runTui } from ${JSON.stringify(TERMINAL_MODULE)};
     setTimeout(() => { throw new Error('boom from a bug'); }, 1500);
     await runTui({ server: { host: '127.0.0.1', port: 9 }, home: ${JSON.stringify(home)} });`,
  );
  // As `fastchat tui` does: Ink draws nothing but the last frame when it thinks it runs under CI.
  const screen = spawnPtyProgram(process.execPath, [script], { env: { NODE_ENV: 'production', CI: '0', CONTINUOUS_INTEGRATION: '0' } });
  await screen.waitFor('fastchat · end-to-end encrypted chat');
  expect(screen.bufferType()).toBe('alternate');
  expect(screen.bracketedPaste()).toBe(true);
  expect(await screen.exited).toBe(1);
  await screen.waitFor(/fastchat tui: boom from a bug/);
  expect(screen.bufferType()).toBe('normal');
  // Bracketed paste off again (ESC[?2004l), or the shell after us would receive the paste markers.
  expect(screen.bracketedPaste()).toBe(false);
  expect(screen.text()).toContain(`(details written to ${join(home, 'tui.log')})`);
  const log = await readFile(join(home, 'tui.log'), 'utf8');
  expect(log).toMatch(/fastchat tui crashed\nError: boom from a bug\n\s+at /);
});

it("the terminal is in raw mode before the first frame is drawn, so no key typed at once is the terminal's", async () => {
  dir = await mkdtemp(join(tmpdir(), 'fastchat-raw-'));
  const script = join(dir, 'raw.mjs');
  const seen = join(dir, 'raw-at-first-write.txt');
  // The real runTui, with the terminal's mode noted as its first byte goes out (before, raw mode came
  // with Ink's first input hook, an effect run after the frame: under load, a Ctrl-C typed on the
  // login screen was a SIGINT, exit 130, and other keys were echoed over the frame).
  await writeFile(
    script,
    `import { writeFileSync } from 'node:fs';
     import { runTui } from ${JSON.stringify(TERMINAL_MODULE)};
     const write = process.stdout.write.bind(process.stdout);
     let noted = false;
     process.stdout.write = (...args) => {
       if (!noted) writeFileSync(${JSON.stringify(seen)}, String(process.stdin.isRaw));
       noted = true;
       return write(...args);
     };
     await runTui({ server: { host: '127.0.0.1', port: 9 }, home: ${JSON.stringify(join(dir, 'home'))} });`,
  );
  const screen = spawnPtyProgram(process.execPath, [script], { env: { NODE_ENV: 'production', CI: '0', CONTINUOUS_INTEGRATION: '0' } });
  await screen.waitFor('fastchat · end-to-end encrypted chat');
  expect(await readFile(seen, 'utf8')).toBe('true');
  await screen.type('\u0003');
  expect(await screen.exited).toBe(0);
});

it('Ctrl-C quits and restores the normal screen, bracketed paste off', async () => {
  dir = await mkdtemp(join(tmpdir(), 'fastchat-ctrlc-'));
  const screen = spawnPty('fastchat', ['--server', '127.0.0.1:9', '--home', join(dir, 'home'), 'tui', '--user', 'zoe']);
  await screen.waitFor('name:     zoe');
  expect(screen.bufferType()).toBe('alternate');
  expect(screen.bracketedPaste()).toBe(true);
  await screen.type('\u0003');
  expect(await screen.exited).toBe(0);
  expect(screen.bufferType()).toBe('normal');
  expect(screen.bracketedPaste()).toBe(false);
});

it('SIGTERM restores the normal screen, bracketed paste off', async () => {
  dir = await mkdtemp(join(tmpdir(), 'fastchat-sigterm-'));
  const screen = spawnPty('fastchat', ['--server', '127.0.0.1:9', '--home', join(dir, 'home'), 'tui', '--user', 'zoe']);
  await screen.waitFor('name:     zoe');
  expect(screen.bracketedPaste()).toBe(true);
  screen.kill('SIGTERM');
  expect(await screen.exited).toBe(143);
  await screen.waitFor(() => screen.bufferType() === 'normal');
  expect(screen.bracketedPaste()).toBe(false);
});
