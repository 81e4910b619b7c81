import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnPty, type PtyScreen } from '../support/pty.js';
import { freePorts, startServerOnFreePorts, type RunningBin } from '../support/run-bin.js';

/**
 * `fastchat tui` as people use it: two real terminals (node-pty + @xterm/headless) against a real
 * fastchat-server, both users signing up through the login screen.
 */
let server: RunningBin;
let root: string;
let coordinator: number;
const terminals: PtyScreen[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fastchat-tui-'));
  ({ server, coordinator } = await startServerOnFreePorts(join(root, 'server')));
}, 60_000);

afterAll(async () => {
  terminals.forEach((t) => t.kill());
  await server?.stop('SIGTERM');
  await rm(root, { recursive: true, force: true });
});

const ENTER = '\r';
const TAB = '\t';
const CTRL_T = '\u0014';

async function signUp(name: string): Promise<PtyScreen> {
  const term = spawnPty('fastchat', ['--server', `127.0.0.1:${coordinator}`, '--home', join(root, name), 'tui']);
  terminals.push(term);
  await term.waitFor('log in   sign up');
  expect(term.bufferType()).toBe('alternate');
  await term.type(...name.split(''), TAB, ...`pw-${name}`.split(''), CTRL_T);
  await term.waitFor('Enter to sign up');
  expect(term.text()).not.toContain(`pw-${name}`);
  await term.type(ENTER);
  await term.waitFor('● connected', 30_000);
  return term;
}

describe('fastchat tui in a real terminal', () => {
  it('two users sign up on the screen, one messages the other, who sees it unread until opened; /quit restores the screen', async () => {
    const [alice, bob] = await Promise.all([signUp('alice'), signUp('bob')]);
    await alice.type(...'/msg bob'.split(''), ENTER);
    await alice.waitFor('bob · online');
    await alice.type(...'hello from alice 你好'.split(''), ENTER);
    await alice.waitFor(/▸ alice ✓/);
    // Bob sees alice with an unread count (the directory is read again within seconds).
    await bob.waitFor(/alice\s+\(1\)/, 20_000);
    await bob.type(ENTER);
    const opened = await bob.waitFor('hello from alice 你好');
    expect(opened).not.toMatch(/alice\s+\(1\)/);
    await alice.waitFor('✓✓ read');
    await bob.type(...'/quit'.split(''), ENTER);
    expect(await bob.exited).toBe(0);
    expect(bob.bufferType()).toBe('normal');
    await alice.type(...'/quit'.split(''), ENTER);
    expect(await alice.exited).toBe(0);
    expect(alice.bufferType()).toBe('normal');
  }, 90_000);

  it('SIGTERM on the login screen restores the normal screen; an unreachable server is named', async () => {
    const [port] = await freePorts(1);
    const term = spawnPty('fastchat', ['--server', `127.0.0.1:${port}`, '--home', join(root, 'zed'), 'tui', '--user', 'zed']);
    terminals.push(term);
    await term.waitFor('name:     zed');
    expect(term.bufferType()).toBe('alternate');
    await term.type('p', 'w', ENTER);
    // The error wraps inside the login box: allow the border and spaces between its words.
    await term.waitFor(new RegExp(`server unreachable: cannot reach the server at[\\s│]*127\\.0\\.0\\.1:${port}`));
    term.kill('SIGTERM');
    expect(await term.exited).toBe(143);
    expect(term.bufferType()).toBe('normal');
  }, 30_000);
});
