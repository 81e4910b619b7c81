import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/store/data-dir-lock.js';
import { ChatTestClient } from '../support/chat-client.js';
import { describePostgres } from '../support/databases.js';
import { seedPgliteDir } from '../support/pglite-template.js';
import { freePorts, startBin, startServerBin, type RunningBin } from '../support/run-bin.js';

/**
 * The server owns its data folder, and stops cleanly: real fastchat-server processes, stopped by
 * real signals, with a real client connected.
 */
let root: string;
const running: RunningBin[] = [];
const clients: ChatTestClient[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'fastchat-lifecycle-'));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(running.splice(0).map((r) => r.stop('SIGKILL')));
  await rm(root, { recursive: true, force: true });
});

async function serverArgs(extra: string[] = []): Promise<{ args: string[]; coordinator: number }> {
  const [a, b, coordinator] = await freePorts(3);
  return { args: ['--ports', `${a},${b}`, '--coordinator-port', String(coordinator!), ...extra], coordinator: coordinator! };
}

async function startServer(extra: string[]): Promise<{ server: RunningBin; coordinator: number }> {
  const dataDir = extra.indexOf('--data-dir');
  if (dataDir >= 0) await seedPgliteDir(extra[dataDir + 1]!);
  const { args, coordinator } = await serverArgs(extra);
  const server = await startServerBin(args);
  running.push(server);
  return { server, coordinator };
}

/**
 * Stands in for a server process descheduled right after it wrote its ready line (beside two CPU
 * hogs, for milliseconds): it spins for 300 ms after writing it, so a signal sent on seeing the line
 * arrives in that gap.
 */
const PAUSE_AFTER_READY = `
const write = process.stderr.write.bind(process.stderr);
process.stderr.write = (chunk, ...rest) => {
  const written = write(chunk, ...rest);
  if (String(chunk).includes(' ready ')) for (const until = Date.now() + 300; Date.now() < until; );
  return written;
};
`;

describe('a signal right after the ready line', () => {
  it('SIGTERM sent the moment "fastchat-server ready" shows stops the server gracefully, never kills it outright', async () => {
    const preload = join(root, 'pause-after-ready.cjs');
    await writeFile(preload, PAUSE_AFTER_READY);
    const dataDir = join(root, 'data');
    await seedPgliteDir(dataDir);
    const { args } = await serverArgs(['--data-dir', dataDir]);
    const server = startBin('fastchat-server', args, { NODE_OPTIONS: `--require ${preload}` });
    running.push(server);
    await server.waitFor(/fastchat-server ready/, 60_000);
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(server.stderr()).toMatch(/INFO shutting down signal=SIGTERM/);
    expect(server.stderr()).toMatch(/INFO stopped/);
  }, 120_000);
});

describe('one server per embedded data folder', () => {
  it('a second server on the folder is refused at once, in one line naming the process that holds it', async () => {
    const dataDir = join(root, 'data');
    const { server: first } = await startServer(['--data-dir', dataDir]);
    const { args } = await serverArgs(['--data-dir', dataDir]);
    const second = startBin('fastchat-server', args);
    running.push(second);
    const code = await new Promise<number | null>((resolve) => second.child.once('exit', resolve));
    expect(code).toBe(1);
    const lines = second.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^fastchat-server: .*${dataDir}.* is in use by process ${first.child.pid} \\(since \\d{4}-\\d\\d-\\d\\dT.*fastchat-server.*--data-dir.*\\)`,
      ),
    );
    expect(second.stderr()).not.toMatch(/ready/);
    // The first is unharmed, and its folder is free once it stops.
    expect(await first.stop('SIGTERM')).toBe(0);
    await expect(readFile(join(dataDir, LOCK_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
    await startServer(['--data-dir', dataDir]);
  }, 120_000);

  it('a lock left by a process that is gone (killed) is taken over', async () => {
    const dataDir = join(root, 'data');
    const { server: first } = await startServer(['--data-dir', dataDir]);
    expect(JSON.parse(await readFile(join(dataDir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: first.child.pid });
    await first.stop('SIGKILL');
    const { server: second } = await startServer(['--data-dir', dataDir]);
    expect(JSON.parse(await readFile(join(dataDir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: second.child.pid });
  }, 120_000);

  it('an unreadable lock file (a crash while writing it) is taken over', async () => {
    const dataDir = join(root, 'data');
    await rm(dataDir, { recursive: true, force: true });
    const { server: first } = await startServer(['--data-dir', dataDir]);
    await first.stop('SIGKILL');
    await writeFile(join(dataDir, LOCK_FILE), '{"pid":');
    await startServer(['--data-dir', dataDir]);
  }, 120_000);
});

/**
 * A server stopped by `signal` while two users are connected: both are told `shutting_down`, the
 * server logs no error, and after a restart the users' last-seen times are there.
 */
async function stopWithClients(storage: string[], signal: NodeJS.Signals): Promise<void> {
  // The framed test client speaks plain TCP; TLS is not what this stop is about.
  const database = [...storage, '--plaintext'];
  const { server, coordinator } = await startServer(database);
  const ann = await (await ChatTestClient.connect(coordinator)).signup(`ann${signal}`);
  const bob = await (await ChatTestClient.connect(coordinator)).signup(`bob${signal}`);
  clients.push(ann, bob);
  await bob.send({ to: ann.id }, 'hello');

  const [code, annClosed, bobClosed] = await Promise.all([server.stop(signal), ann.rpc.closed, bob.rpc.closed]);
  for (const reason of [annClosed, bobClosed]) expect(reason).toMatchObject({ code: 'shutting_down' });
  expect(code).toBe(0);
  expect(server.stderr()).not.toMatch(/ERROR|WARN/);

  const { server: again, coordinator: port } = await startServer(database);
  const carol = await (await ChatTestClient.connect(port)).signup(`carol${signal}`);
  clients.push(carol);
  for (const name of [`ann${signal}`, `bob${signal}`]) {
    const { users } = await carol.rpc.request({ t: 'users', prefix: name });
    expect(users[0]).toMatchObject({ name, online: false, lastSeen: expect.any(Number) });
  }
  expect(await again.stop('SIGTERM')).toBe(0);
}

describe('a normal stop on the embedded database', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s: clients are told shutting_down, no error is logged, last seen is written',
    async (signal) => {
      await stopWithClients(['--data-dir', join(root, 'data')], signal);
    },
    120_000,
  );
});

describePostgres('a normal stop', (postgres) => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s: clients are told shutting_down, no error is logged, last seen is written',
    async (signal) => {
      await stopWithClients(['--db', await postgres.databaseWithSchema()], signal);
    },
    120_000,
  );
});
