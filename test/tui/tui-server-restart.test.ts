import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seedPgliteDir } from '../support/pglite-template.js';
import { spawnPty, type PtyScreen } from '../support/pty.js';
import { freePorts, runBin, startServerBin, type RunningBin } from '../support/run-bin.js';
import { passwordOf } from '../support/passwords.js';

/**
 * A running `fastchat tui` (real pseudo-terminal) while its server is stopped with SIGTERM and started
 * again on the same ports and data folder: it stays up, says what is happening, queues what is typed
 * meanwhile, and sends it once when the server is back.
 */
let root: string;
let server: RunningBin | undefined;
const terminals: PtyScreen[] = [];

afterEach(async () => {
  terminals.splice(0).forEach((t) => t.kill());
  await server?.stop('SIGTERM');
  server = undefined;
  await rm(root, { recursive: true, force: true });
});

const ENTER = '\r';

describe('fastchat tui while the server restarts', () => {
  it('stays up, shows reconnecting and the queued message, and sends it once when the server is back', async () => {
    root = await mkdtemp(join(tmpdir(), 'fastchat-restart-'));
    const [a, b, coordinator] = await freePorts(3);
    await seedPgliteDir(join(root, 'server'));
    const serverArgs = ['--ports', `${a},${b}`, '--coordinator-port', String(coordinator), '--data-dir', join(root, 'server')];
    server = await startServerBin(serverArgs);
    const cli = (user: string, args: string[]) =>
      runBin('fastchat', ['--server', `127.0.0.1:${coordinator}`, '--home', join(root, user), '--user', user, ...args], {
        FASTCHAT_PASSWORD: passwordOf(user),
      });
    for (const user of ['alice', 'bob']) expect((await cli(user, ['signup', user])).code).toBe(0);

    const alice = spawnPty('fastchat', ['--server', `127.0.0.1:${coordinator}`, '--home', join(root, 'alice'), 'tui', '--user', 'alice']);
    terminals.push(alice);
    let exitedEarly = false;
    void alice.exited.then(() => (exitedEarly = true));
    await alice.waitFor('name:     alice');
    await alice.type(...passwordOf('alice').split(''), ENTER);
    await alice.waitFor('● connected', 30_000);
    await alice.type(...'/msg bob'.split(''), ENTER);
    await alice.waitFor('bob · ');
    await alice.type(...'before the stop'.split(''), ENTER);
    await alice.waitFor(/▸ alice ✓/);

    expect(await server.stop('SIGTERM')).toBe(0);
    server = undefined;
    await alice.waitFor(/◌ (reconnecting|server restarting) · (next try in \d+ s|trying now)/, 20_000);
    await alice.type(...'typed while it was down'.split(''), ENTER);
    // The message pane and the status bar's count are drawn by different renders: wait for both.
    await alice.waitFor((screen) => /▸ alice ◷ queued[\s\S]*typed while it was down/.test(screen) && screen.includes('1 queued'));
    // Still queued, still up, through several reconnect attempts.
    await alice.waitFor(/next try in \d+ s/, 20_000);
    expect(exitedEarly).toBe(false);

    server = await startServerBin(serverArgs);
    await alice.waitFor('● connected', 60_000);
    await alice.waitFor((screen) => screen.includes('typed while it was down') && !screen.includes('◷ queued'), 30_000);
    expect(exitedEarly).toBe(false);
    const bob = await cli('bob', ['read']);
    expect(bob.code).toBe(0);
    expect(bob.stdout.match(/typed while it was down/g)).toHaveLength(1);
    expect(bob.stdout.match(/before the stop/g)).toHaveLength(1);
  }, 180_000);
});
