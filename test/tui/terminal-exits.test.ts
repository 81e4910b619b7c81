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
