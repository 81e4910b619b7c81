import { expect, it } from 'vitest';
import { afterEach } from 'vitest';
import type { ChatClient } from '../../src/client/chat-client.js';
import { collect, testClients } from '../support/client-harness.js';
import { describePostgres } from '../support/databases.js';
import { freeConsecutivePorts, freePorts, runBin, startServerBin, type RunningBin } from '../support/run-bin.js';

let coordinator = 0;
const clients = testClients(() => coordinator);
const running: RunningBin[] = [];
afterEach(async () => {
  await clients.cleanup();
  await Promise.all(running.splice(0).map((r) => r.stop('SIGKILL')));
});

interface WorkerLine {
  readonly worker: number;
  readonly pid: number;
  readonly ports: number[];
}

/** The `worker ready` lines a server has written so far, latest per worker. */
function workersOf(server: RunningBin): Map<number, WorkerLine> {
  const found = new Map<number, WorkerLine>();
  for (const match of server.stderr().matchAll(/INFO worker ready worker=(\d+) .*ports="?([\d,]+)"? .*pid=(\d+)/g)) {
    found.set(Number(match[1]), { worker: Number(match[1]), ports: match[2]!.split(',').map(Number), pid: Number(match[3]) });
  }
  return found;
}

const nodePortOf = (client: ChatClient): number => {
  const status = client.status;
  if (status.state !== 'connected') throw new Error(`client is ${status.state}`);
  return status.node.port;
};

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('--workers 2 on the embedded database is refused with the reason', async () => {
  const result = await runBin('fastchat-server', ['--workers', '2', '--ports', '1-2']);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/--workers 2 needs --db: the embedded database lives inside one process/);
});

describePostgres('fastchat-server --workers', (postgres) => {
  it('two worker processes split the ports, chat across each other, survive a killed worker and stop together', async () => {
    const url = await postgres.databaseWithSchema();
    const ports = await freePorts(5);
    coordinator = ports[4]!;
    const metrics = await freeConsecutivePorts(2);
    const server = await startServerBin([
      '--plaintext',
      '--workers',
      '2',
      '--ports',
      ports.slice(0, 4).join(','),
      '--coordinator-port',
      String(coordinator),
      '--db',
      url,
      '--node-timeout',
      '2',
      '--metrics-port',
      String(metrics),
    ]);
    running.push(server);
    expect(server.stderr()).toMatch(/fastchat-server ready .*workers=2/);
    const workers = workersOf(server);
    expect([...workers.keys()].sort()).toEqual([0, 1]);
    expect(workers.get(0)!.pid).not.toBe(workers.get(1)!.pid);
    expect([...workers.get(0)!.ports, ...workers.get(1)!.ports].sort()).toEqual(ports.slice(0, 4).sort());

    // Through the one coordinator port, clients land on both workers.
    const people = [];
    for (const name of ['alice', 'bob', 'carol', 'dave']) people.push(await clients.open(name, 'signup'));
    const workerOf = (client: ChatClient) => [...workers.values()].find((w) => w.ports.includes(nodePortOf(client)))!.worker;
    expect(new Set(people.map(workerOf))).toEqual(new Set([0, 1]));

    // Worker N serves its own metrics on --metrics-port + N: each counts its own sessions.
    const sessionsOn = async (worker: number): Promise<number> => {
      const text = await (await fetch(`http://127.0.0.1:${metrics + worker}/metrics`)).text();
      return Number(/^fastchat_sessions (\d+)$/m.exec(text)?.[1]);
    };
    for (const worker of [0, 1]) expect(await sessionsOn(worker)).toBe(people.filter((p) => workerOf(p) === worker).length);

    // A pair on different workers chats live.
    const alice = people[0]!;
    const bob = people.find((p) => workerOf(p) !== workerOf(alice))!;
    const inbox = collect(bob);
    await (
      await alice.send({ user: bob.user.id }, 'across workers')
    ).acked;
    await inbox.until(() => inbox.texts().includes('across workers'), 'the message from the other worker');

    // SIGKILL bob's worker: the primary starts another, bob comes back on his own and nothing is lost.
    const victim = workers.get(workerOf(bob))!;
    process.kill(victim.pid, 'SIGKILL');
    await server.waitFor(new RegExp(`worker died; restarting it worker=${victim.worker}`));
    for (let n = 0; n < 5; n++) await (await alice.send({ user: bob.user.id }, `after the kill ${n}`)).acked;
    await inbox.until(() => inbox.texts().length === 6, 'every message after the kill', 20_000);
    expect(inbox.texts()).toEqual(['across workers', ...Array.from({ length: 5 }, (_, n) => `after the kill ${n}`)]);
    await expect.poll(() => workersOf(server).get(victim.worker)?.pid, { timeout: 10_000 }).not.toBe(victim.pid);

    // SIGTERM to the primary stops every worker gracefully.
    const pids = [...workersOf(server).values()].map((w) => w.pid);
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(server.stderr()).toMatch(/INFO stopped worker=0/);
    expect(server.stderr()).toMatch(/INFO stopped worker=1/);
    await expect.poll(() => pids.filter(alive), { timeout: 5000 }).toEqual([]);
  }, 90_000);
});
