import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import type { ServerAddress } from '../../src/client/connect.js';
import { packageRoot } from '../support/package-root.js';
import { floodConnections, floodMaps, floodSends, floodSlow, type FloodKind, type Flooder, type FloodStats } from './flooders.js';
import { LoadClient } from './load-client.js';
import { treeUsage } from './server-process.js';

/**
 * A flooder in a process of its own, as an abusive client is on another machine: its CPU and event
 * loop are not the load generator's, so the normal clients' latency measures the server, not the
 * generator answering the flooder's replies. Runs the compiled module (dist/bench), from vitest too.
 */
export interface FlooderSpec {
  readonly kind: FloodKind;
  readonly coordinator: ServerAddress;
  /** A name prefix for the accounts the flooder signs up. */
  readonly tag: string;
  /** Where the connection flooder dials from. */
  readonly localAddress: string;
}

type ToParent = { t: 'ready' } | { t: 'stats'; stats: FloodStats } | { t: 'failed'; message: string };
type ToChild = { t: 'stop' };

/** What the parent holds: stop() ends the flooder and resolves with its counts and its CPU. */
export interface RemoteFlooder {
  readonly kind: FloodKind;
  /** Counts as the flooder stopped (connections held are counted before they are closed). */
  stop(): Promise<{ stats: FloodStats; cpuSeconds: number }>;
}

const ENTRY = join(packageRoot(), 'dist', 'bench', 'load', 'flooder-process.js');

/**
 * Forks the flooder, by default at the lowest scheduling priority (nice 19): on a 2-core machine
 * shared with the server, PostgreSQL and the generator, this is the nearest to "on another machine"
 * we can get; it still takes every idle cycle. Beside CPU hogs it gets almost none, so a run that
 * checks counts rather than latency passes `nice` 0. Resolves once it floods.
 */
export async function startRemoteFlooder(spec: FlooderSpec, nice = 19): Promise<RemoteFlooder> {
  const child = fork(ENTRY, [JSON.stringify(spec)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    setPriority(child.pid!, nice);
  } catch {
    // Not allowed here (a container without CAP_SYS_NICE can still lower priority; kept best effort).
  }
  await nextMessage(child, 'ready');
  // From here on: its start-up (node, signups) is not the flood's cost.
  const cpuAtReady = treeUsage(child.pid!).cpuSeconds;
  return {
    kind: spec.kind,
    stop: async () => {
      const stats = nextMessage(child, 'stats');
      child.send({ t: 'stop' } satisfies ToChild);
      const result = { stats: (await stats).stats, cpuSeconds: treeUsage(child.pid!).cpuSeconds - cpuAtReady };
      await exited;
      return result;
    },
  };
}

function nextMessage<T extends ToParent['t']>(child: ChildProcess, t: T): Promise<Extract<ToParent, { t: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ToParent) => {
      if (message.t === t) done(() => resolve(message as Extract<ToParent, { t: T }>));
      else if (message.t === 'failed') done(() => reject(new Error(`flooder failed: ${message.message}`)));
    };
    const onExit = (code: number | null) => done(() => reject(new Error(`flooder exited with ${code} before "${t}"`)));
    const done = (then: () => void) => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      then();
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function startLocal(spec: FlooderSpec): Promise<{ flooder: Flooder; clients: LoadClient[] }> {
  if (spec.kind === 'send') {
    const [flooder, sink] = [
      await LoadClient.signup(spec.coordinator, `${spec.tag}a`),
      await LoadClient.signup(spec.coordinator, `${spec.tag}b`),
    ];
    // One message first, so the flood goes to an existing conversation as a real chat's would.
    await flooder.send(sink.userId);
    return { flooder: floodSends(flooder, sink.userId), clients: [flooder, sink] };
  }
  if (spec.kind === 'connections') return { flooder: await floodConnections(spec.coordinator, spec.localAddress), clients: [] };
  if (spec.kind === 'maps') return { flooder: await floodMaps(spec.coordinator, spec.localAddress), clients: [] };
  return { flooder: await floodSlow(spec.coordinator, `${spec.tag}slow`), clients: [] };
}

/** The child's side: flood until the parent says stop, report, exit. */
async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]!) as FlooderSpec;
  const send = (message: ToParent) => new Promise<void>((resolve) => process.send!(message, () => resolve()));
  try {
    const { flooder, clients } = await startLocal(spec);
    process.once('message', (message: ToChild) => {
      if (message.t !== 'stop') return;
      const stats = { ...flooder.stats };
      void flooder.stop().then(async () => {
        for (const client of clients) client.close();
        await send({ t: 'stats', stats: { ...flooder.stats, connectionsHeld: stats.connectionsHeld } });
        process.exit(0);
      });
    });
    await send({ t: 'ready' });
  } catch (error) {
    await send({ t: 'failed', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
}

if (process.send !== undefined && process.argv[1] === ENTRY) void main();
