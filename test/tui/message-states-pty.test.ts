import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnPty, type PtyScreen } from '../support/pty.js';
import { startServerOnFreePorts, type RunningBin } from '../support/run-bin.js';

/**
 * The own-message marks in real terminals against a real server: "✓✓ delivered" once the other
 * TUI has the message, "✓✓ read" once it is opened there, and "✓✓ read" again after the sender's
 * TUI restarts (restored from the server, not from memory).
 */
let server: RunningBin;
let root: string;
let coordinator: number;
const terminals: PtyScreen[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fastchat-states-'));
  ({ server, coordinator } = await startServerOnFreePorts(join(root, 'server')));
}, 60_000);

afterAll(async () => {
  terminals.forEach((t) => t.kill());
  await server?.stop('SIGTERM');
  await rm(root, { recursive: true, force: true });
});

const ENTER = '\r';
const CTRL_T = '\u0014';

function tui(name: string, ...args: string[]): PtyScreen {
  const term = spawnPty('fastchat', ['--server', `127.0.0.1:${coordinator}`, '--home', join(root, name), 'tui', ...args]);
  terminals.push(term);
  return term;
}

async function enter(name: string, mode: 'signup' | 'login'): Promise<PtyScreen> {
  // Named on the command line, the password field has the focus: no Tab racing the next key under
  // load (burst input is another test's subject). Each step is seen on the screen before the next.
  const term = tui(name, '--user', name);
  await term.waitFor(`name:     ${name}`);
  await term.type(...`pw-${name}`.split(''));
  await term.waitFor(`password: ${'•'.repeat(`pw-${name}`.length)} `);
  if (mode === 'signup') {
    await term.type(CTRL_T);
    await term.waitFor('Enter to sign up');
  }
  await term.type(ENTER);
  await term.waitFor('● connected', 30_000);
  return term;
}

async function quit(term: PtyScreen): Promise<void> {
  await term.type(...'/quit'.split(''), ENTER);
  expect(await term.exited).toBe(0);
}

describe('message states in the TUI', () => {
  it('shows ✓✓ delivered when the other TUI has the message, ✓✓ read once it is opened, and ✓✓ read again after a restart', async () => {
    const [alice, bob] = await Promise.all([enter('alice', 'signup'), enter('bob', 'signup')]);
    await alice.type(...'/msg bob'.split(''), ENTER);
    await alice.waitFor('bob · online');
    await alice.type(...'are you there'.split(''), ENTER);
    // bob's TUI is running but has not opened the conversation: delivered, not read.
    await alice.waitFor(/▸ alice ✓✓ delivered/, 20_000);
    expect(alice.text()).not.toContain('✓✓ read');
    await bob.waitFor(/alice\s+\(1\)/, 20_000);
    await bob.type(ENTER);
    await bob.waitFor('are you there');
    await alice.waitFor(/▸ alice ✓✓ read/, 20_000);

    await quit(alice);
    const again = await enter('alice', 'login');
    await again.type(...'/msg bob'.split(''), ENTER);
    await again.waitFor('are you there', 20_000);
    await again.waitFor(/▸ alice ✓✓ read/);
    expect(again.text()).not.toMatch(/▸ alice ✓ sent/);
    await quit(again);
    await quit(bob);
  }, 120_000);
});
