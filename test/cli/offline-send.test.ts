import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { freePorts, runBin, startBin, type RunningBin } from '../support/run-bin.js';
import { startTestServer, type TestServer } from '../support/start-server.js';
import { passwordOf } from '../support/passwords.js';

/**
 * `fastchat send` and `fastchat read --follow` (the real bin) when the server goes away, and `read` on
 * a new device. The server runs in this process so that a test can hold a message's commit back or
 * restart it where it was.
 */
let server: TestServer | undefined;
let root: string;
const running: RunningBin[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'fastchat-offline-cli-'));
  server = await startTestServer({ dataDir: join(root, 'server') });
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((bin) => bin.stop('SIGKILL')));
  vi.restoreAllMocks();
  await server?.stop();
  server = undefined;
  await rm(root, { recursive: true, force: true });
});

// The in-process test server serves plain TCP, so the CLI asks for it.
function fastchat(user: string, args: string[], coordinator = server!.listening.coordinatorPort) {
  return runBin('fastchat', ['--plaintext', '--server', `127.0.0.1:${coordinator}`, '--home', join(root, user), '--user', user, ...args], {
    FASTCHAT_PASSWORD: passwordOf(user),
  });
}

async function outboxOf(user: string): Promise<unknown[]> {
  const text = await readFile(join(root, user, user, 'outbox.json'), 'utf8').catch(() => '[]');
  return JSON.parse(text) as unknown[];
}

describe('fastchat send without the server', () => {
  it('unreachable at the start: exit 1, says nothing was sent, keeps nothing', async () => {
    for (const user of ['alice', 'bob']) expect((await fastchat(user, ['signup', user])).code).toBe(0);
    const [closedPort] = await freePorts(1);
    const result = await fastchat('alice', ['send', 'bob', 'into the void'], closedPort);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach the server.*\(nothing was sent or kept\)/);
    expect(await outboxOf('alice')).toEqual([]);
    expect((await fastchat('bob', ['read'])).stdout).toBe('');
  }, 90_000);

  it('queued but not confirmed in time: exit 75, stays queued, and the next fastchat of that user sends it, once', async () => {
    for (const user of ['alice', 'bob']) expect((await fastchat(user, ['signup', user])).code).toBe(0);
    // The server takes the message but cannot commit it yet (a stalled disk, a restart): no ack comes.
    const store = server!.core.services.store;
    const commit = store.commitMessages.bind(store);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    vi.spyOn(store, 'commitMessages').mockImplementation(async (items) => {
      await gate;
      return commit(items);
    });
    const result = await fastchat('alice', ['send', 'bob', 'late but once', '--wait', '1']);
    expect(result.stderr).toContain('queued; it goes out with the next fastchat that connects');
    expect(result.code).toBe(75);
    expect(await outboxOf('alice')).toHaveLength(1);
    release();
    // Any command that logs in takes it over: here alice reading.
    expect((await fastchat('alice', ['read'])).code).toBe(0);
    expect(await outboxOf('alice')).toEqual([]);
    const bob = await fastchat('bob', ['read']);
    expect(bob.stdout.match(/late but once/g)).toHaveLength(1);
  }, 90_000);
});

describe('fastchat read --follow', () => {
  it('prints one line when it loses the server and one when it is back, however many tries that takes', async () => {
    for (const user of ['alice', 'bob']) expect((await fastchat(user, ['signup', user])).code).toBe(0);
    const ports = { node: server!.listening.ports, coordinator: server!.listening.coordinatorPort };
    const follow = startBin(
      'fastchat',
      ['--plaintext', '--server', `127.0.0.1:${ports.coordinator}`, '--home', join(root, 'bob'), '--user', 'bob', 'read', '--follow'],
      {
        FASTCHAT_PASSWORD: passwordOf('bob'),
      },
    );
    running.push(follow);
    expect((await fastchat('alice', ['send', 'bob', 'before'])).code).toBe(0);
    await waitForStdout(follow, /before/);
    await server!.close();
    await follow.waitFor(/connection lost \(the server is restarting\); reconnecting…\n/);
    server = await startTestServer({ ports, dataDir: join(root, 'server') });
    await follow.waitFor(/connected again\n/, 30_000);
    expect((await fastchat('alice', ['send', 'bob', 'after'])).code).toBe(0);
    await waitForStdout(follow, /after/);
    expect(follow.stderr().match(/connection lost/g)).toHaveLength(1);
    expect(follow.stderr().match(/connected again/g)).toHaveLength(1);
  }, 120_000);
});

function waitForStdout(bin: RunningBin, pattern: RegExp, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!pattern.test(bin.stdout())) return;
      clearTimeout(timer);
      bin.child.stdout!.off('data', check);
      resolve();
    };
    const timer = setTimeout(() => {
      bin.child.stdout!.off('data', check);
      reject(new Error(`no ${pattern} on stdout within ${timeoutMs} ms:\n${bin.stdout()}\n${bin.stderr()}`));
    }, timeoutMs);
    bin.child.stdout!.on('data', check);
    check();
  });
}

describe('fastchat read on a new device', () => {
  it('returns for a user who has read everything elsewhere, and prints only what is new to them', async () => {
    for (const user of ['alice', 'bob']) expect((await fastchat(user, ['signup', user])).code).toBe(0);
    expect((await fastchat('alice', ['send', 'bob', 'read on the first device'])).code).toBe(0);
    expect((await fastchat('bob', ['read'])).stdout).toMatch(/read on the first device/);
    // The same user, a fresh home: the key comes from the server's backup; the backlog is already read.
    const fresh = await runBin(
      'fastchat',
      [
        '--plaintext',
        '--server',
        `127.0.0.1:${server!.listening.coordinatorPort}`,
        '--home',
        join(root, 'bob-new'),
        '--user',
        'bob',
        'read',
      ],
      {
        FASTCHAT_PASSWORD: passwordOf('bob'),
      },
    );
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toBe('');
    expect((await fastchat('alice', ['send', 'bob', 'new to both'])).code).toBe(0);
    const again = await runBin(
      'fastchat',
      [
        '--plaintext',
        '--server',
        `127.0.0.1:${server!.listening.coordinatorPort}`,
        '--home',
        join(root, 'bob-new'),
        '--user',
        'bob',
        'read',
      ],
      {
        FASTCHAT_PASSWORD: passwordOf('bob'),
      },
    );
    expect(again.stdout).toMatch(/new to both/);
  }, 90_000);
});
