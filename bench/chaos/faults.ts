import type { ChaosCluster, ChaosNode } from './cluster.js';
import { startCpuHog, type CpuHog } from './cpu-hog.js';
import type { Prng } from './prng.js';
import type { Recorder } from './recorder.js';

export const FAULT_KINDS = [
  'node_kill',
  'node_term',
  'postgres_restart',
  'database_delay',
  'database_cut',
  'client_cut',
  'cpu_hog',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The faults a topology can suffer: the PostgreSQL ones need a PostgreSQL. */
export function faultsOf(topology: ChaosCluster['topology']): FaultKind[] {
  return topology === 'postgres' ? [...FAULT_KINDS] : ['node_kill', 'node_term', 'client_cut', 'cpu_hog'];
}

export interface Faults {
  /** How many of each kind were injected. */
  readonly counts: Map<FaultKind, number>;
  /** Stops injecting, waits for the fault under way, and heals everything: nodes up, proxies clean, no hog. */
  stop(): Promise<void>;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Injects one fault after another, each drawn from the seeded PRNG (which kind, where, how long),
 * with a short calm between them. A node fault takes one node down and brings it back; a CPU hog
 * runs beside the next faults for a few seconds.
 */
export function startFaults(cluster: ChaosCluster, kinds: readonly FaultKind[], prng: Prng, recorder: Recorder): Faults {
  const counts = new Map<FaultKind, number>();
  const hogs = new Set<CpuHog>();
  let running = true;
  const log = (text: string) => recorder.log(text);

  const upNodes = () => cluster.nodes.filter((n) => n.process);
  const restart = async (node: ChaosNode) => {
    try {
      await cluster.startNode(node);
      log(`node ${node.name} is back`);
    } catch (error) {
      log(`node ${node.name} did not come back: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  };

  const inject = async (kind: FaultKind): Promise<void> => {
    switch (kind) {
      case 'node_kill':
      case 'node_term': {
        const up = upNodes();
        if (up.length === 0) return;
        const node = prng.pick(up);
        const signal = kind === 'node_kill' ? 'SIGKILL' : 'SIGTERM';
        log(`${signal} node ${node.name}`);
        await cluster.stopNode(node, signal);
        await pause(prng.int(100, 1500));
        return restart(node);
      }
      case 'postgres_restart': {
        const mode = prng.pick(['fast', 'immediate'] as const);
        const downMs = prng.int(0, 1000);
        log(`PostgreSQL restart (${mode}, down ${downMs} ms)`);
        await cluster.restartPostgres(mode, () => pause(downMs));
        log('PostgreSQL is back');
        return;
      }
      case 'database_delay': {
        const delayMs = prng.int(20, 300);
        const forMs = prng.int(500, 2500);
        log(`PostgreSQL connections delayed ${delayMs} ms for ${forMs} ms`);
        cluster.databaseProxy?.delay(delayMs);
        await pause(forMs);
        cluster.databaseProxy?.delay(0);
        return;
      }
      case 'database_cut': {
        const refuseMs = prng.int(0, 800);
        cluster.databaseProxy?.refuse(true);
        const cut = cluster.databaseProxy?.cutAll() ?? 0;
        log(`PostgreSQL connections cut (${cut}), new ones refused for ${refuseMs} ms`);
        await pause(refuseMs);
        cluster.databaseProxy?.refuse(false);
        return;
      }
      case 'client_cut': {
        const node = prng.pick(cluster.nodes);
        if (prng.chance(0.3)) {
          log(`every client connection of node ${node.name} cut (${node.clientProxy.cutAll()})`);
        } else {
          log(
            node.clientProxy.cutMidFrame()
              ? `a client connection of node ${node.name} cut mid-frame`
              : `no client connection on node ${node.name} to cut`,
          );
        }
        return;
      }
      case 'cpu_hog': {
        const forMs = prng.int(1000, 5000);
        const hog = startCpuHog();
        hogs.add(hog);
        log(`CPU hog for ${forMs} ms`);
        void pause(forMs).then(async () => {
          if (!hogs.delete(hog)) return;
          await hog.stop();
          log('CPU hog stopped');
        });
        return;
      }
      default: {
        const unreachable: never = kind;
        return unreachable;
      }
    }
  };

  const loop = (async () => {
    while (running) {
      await pause(prng.int(200, 1500));
      if (!running) return;
      const kind = prng.pick(kinds);
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
      try {
        await inject(kind);
      } catch (error) {
        log(`fault ${kind} failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      }
    }
  })();

  return {
    counts,
    stop: async () => {
      running = false;
      await loop;
      await Promise.all([...hogs].map((hog) => hog.stop()));
      hogs.clear();
      cluster.databaseProxy?.delay(0);
      cluster.databaseProxy?.refuse(false);
      await Promise.all(cluster.nodes.filter((n) => !n.process).map(restart));
      log('faults stopped, everything healed');
    },
  };
}
