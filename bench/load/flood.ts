import { ms, summarise, table, type LatencySummary } from '../support/stats.js';
import { startDeployment, type BenchDatabase, type Deployment } from './deployment.js';
import { FLOOD_KINDS, type FloodKind, type FloodStats } from './flooders.js';
import { startRemoteFlooder, type RemoteFlooder } from './flooder-process.js';
import { LoadClient, signupMany } from './load-client.js';
import { Pinger } from './pinger.js';
import { RingLoad, type RingPhase } from './ring-load.js';

export interface FloodOptions {
  readonly database: BenchDatabase;
  /** Normal clients, in a ring of one contact each, as in `rate`. */
  readonly clients: number;
  /** The normal clients' offered load, messages per second in total. */
  readonly ratePerS: number;
  /** Seconds per phase. */
  readonly durationS: number;
  /** The flooders, one phase each, each after a baseline phase of its own. @default every kind */
  readonly floods?: readonly FloodKind[];
  /** Seconds of load before the baseline (JIT, caches, pools warm up). @default 2 */
  readonly warmUpS?: number;
  /** Where the connection flooder dials from: not the normal clients' 127.0.0.1. @default 127.0.0.2 */
  readonly flooderAddress?: string;
  readonly postgresServerUrl?: string;
  /**
   * More `fastchat-server` flags, for example a lower `--send-rate`: the send flooder stops at its first
   * refusal, which a server slowed below the default 50/s (CPU hogs beside a test run) would never give.
   * @default none: the server's own defaults, which the bench measures
   */
  readonly serverArgs?: readonly string[];
  /**
   * Times each flooder's pair of phases (a baseline, then the flood) is run, the flooders taking turns:
   * with several rounds the ping figures are also pooled over them (pooledPings), so that one slow
   * window (a checkpoint, another process) weighs as one window among many. @default 1
   */
  readonly rounds?: number;
  /** The flooder process's nice value (flooder-process.ts). @default 19 */
  readonly flooderNice?: number;
}

/** One phase: the normal clients' figures, and what the flooder of the phase (if any) got. */
export interface FloodPhase extends Omit<RingPhase, 'busyS'> {
  readonly phase: 'baseline' | FloodKind;
  readonly serverCores: number;
  readonly databaseCores: number;
  readonly flood: FloodStats | undefined;
  /** Flooder requests per second over the phase. */
  readonly floodPerS: number;
  /** CPU cores the flooder's own process used over the phase. */
  readonly flooderCores: number;
  /** More users' `ping`s, in a closed loop through the phase (pinger.ts). */
  readonly ping: LatencySummary;
  /** Those pings' round trips, ms, sorted. */
  readonly pings: readonly number[];
}

export interface FloodResult {
  readonly options: FloodOptions;
  readonly databaseLabel: string;
  readonly phases: readonly FloodPhase[];
}

let runs = 0;

/**
 * Users who only ping (pinger.ts), about 6 pings a second each: ~100 a second in all, so that a
 * 10 s phase has ~1,000 pings and its p99 is not three samples (four pingers gave p99s from 3 to
 * 12 ms in identical baselines).
 */
const PINGERS = 16;

/**
 * The normal clients run the `rate` scenario's open-loop load through every phase; the server keeps
 * its default limits (`--send-rate` 50/s per user, 256 connections per address, 8 MiB outbound). At
 * 2.5 msg/s per user and one connection each (at most 256 from 127.0.0.1, counting coordinator
 * dials), the normal clients stay under every limit, so any refusal is the flooder's.
 */
export async function runFlood(options: FloodOptions): Promise<FloodResult> {
  if (options.clients > 200) process.stderr.write('flood: more than ~250 normal clients passes the per-address cap of 256\n');
  const deployment = await startDeployment({
    database: options.database,
    limits: 'default',
    ...(options.serverArgs ? { serverArgs: options.serverArgs } : {}),
    ...(options.postgresServerUrl ? { postgresServerUrl: options.postgresServerUrl } : {}),
  });
  const clients: LoadClient[] = [];
  try {
    const tag = `flood${process.pid}r${++runs}`;
    clients.push(...(await signupMany(deployment.coordinator, options.clients, tag, { progress: `flood ${options.database}` })));
    const ring = new RingLoad(clients);
    await ring.prime();
    const pinger = new Pinger(
      await Promise.all(Array.from({ length: PINGERS }, (_, i) => LoadClient.signup(deployment.coordinator, `${tag}ping${i}`))),
    );
    const start = (kind: FloodKind): Promise<RemoteFlooder> =>
      startRemoteFlooder(
        { kind, coordinator: deployment.coordinator, tag: `${tag}f${kind[0]}`, localAddress: options.flooderAddress ?? '127.0.0.2' },
        options.flooderNice,
      );

    const phases: FloodPhase[] = [];
    // A baseline right before each flood: the machine drifts over a run (tables grow, checkpoints,
    // other load), and each flood is compared with the minutes just before it.
    const floods = options.floods ?? FLOOD_KINDS;
    const round = floods.flatMap((flood) => ['baseline', flood] as const);
    const steps = ['warm-up', ...Array.from({ length: options.rounds ?? 1 }, () => round).flat()] as const;
    for (const step of steps) {
      const durationS = step === 'warm-up' ? (options.warmUpS ?? 2) : options.durationS;
      if (durationS === 0) continue;
      const flood = step === 'warm-up' || step === 'baseline' ? undefined : await start(step);
      const before = usage(deployment);
      let after = before;
      let flooded: Awaited<ReturnType<RemoteFlooder['stop']>> | undefined;
      let pings: number[] = [];
      pinger.start();
      // The flooder stops as the offered load ends, before the drain: the drain measures nothing.
      const { busyS, ...phase } = await ring.run(options.ratePerS, durationS, async () => {
        after = usage(deployment);
        pings = await pinger.stop();
        flooded = await flood?.stop();
      });
      if (step === 'warm-up') continue;
      phases.push({
        phase: step,
        ...phase,
        serverCores: (after.server - before.server) / busyS,
        databaseCores: (after.database - before.database) / busyS,
        // Held connections are counted as the phase ended, before stop() closed them.
        flood: flooded?.stats,
        floodPerS: flooded ? flooded.stats.requests / busyS : 0,
        flooderCores: flooded ? flooded.cpuSeconds / busyS : 0,
        ping: summarise(pings),
        pings,
      });
    }
    return { options, databaseLabel: deployment.databaseLabel, phases };
  } finally {
    for (const client of clients) client.close();
    await deployment.stop();
  }
}

function usage(deployment: Deployment): { server: number; database: number } {
  return { server: deployment.serverUsage().cpuSeconds, database: deployment.databaseUsage().cpuSeconds };
}

/** p99 of a phase over that of the baseline run just before it: the figure the target (≤ 2) is about. */
export function p99Ratio(result: FloodResult, phase: FloodPhase, of: (p: FloodPhase) => LatencySummary = (p) => p.delivery): number {
  const at = result.phases.indexOf(phase);
  const baseline = result.phases.slice(0, at).findLast((p) => p.phase === 'baseline');
  return baseline ? of(phase).p99 / of(baseline).p99 : Number.NaN;
}

/** One flooder's pings pooled over every round: all its flood phases against all the baselines just before them. */
export interface PooledPings {
  readonly kind: FloodKind;
  readonly rounds: number;
  readonly baseline: LatencySummary;
  readonly flooded: LatencySummary;
}

export function pooledPings(result: FloodResult): PooledPings[] {
  const kinds = [...new Set(result.phases.flatMap((p) => (p.phase === 'baseline' ? [] : [p.phase])))];
  return kinds.map((kind) => {
    const baseline: number[] = [];
    const flooded: number[] = [];
    result.phases.forEach((phase, at) => {
      if (phase.phase !== kind) return;
      flooded.push(...phase.pings);
      const before = result.phases.slice(0, at).findLast((p) => p.phase === 'baseline');
      if (before) baseline.push(...before.pings);
    });
    return {
      kind,
      rounds: result.phases.filter((p) => p.phase === kind).length,
      baseline: summarise(baseline),
      flooded: summarise(flooded),
    };
  });
}

const FLOODERS: Record<FloodKind, string> = {
  send: '(a) one user sends, 512 in flight',
  connections: '(b) connections from 127.0.0.2',
  slow: '(c) asks, never reads',
  maps: '(d) wide maps before login',
};

/** One row per database and phase. */
export function formatFlood(results: readonly FloodResult[]): string {
  const rows = results.flatMap((result) =>
    result.phases.map((p) => {
      const f = p.flood;
      const got = !f
        ? '—'
        : p.phase === 'send'
          ? `${f.requests} sends (${p.floodPerS.toFixed(0)}/s): ${f.accepted} accepted, ${f.rateLimited} rate_limited, ${f.outOfOrder} out_of_order, ${f.abandoned ?? 0} unanswered at the end, ${f.otherErrors} other${f.firstError ? ` (${f.firstError})` : ''}`
          : p.phase === 'connections'
            ? `${f.requests} dials (${p.floodPerS.toFixed(0)}/s): ${f.connectionsRefused} refused, ${f.connectionsHeld} held`
            : p.phase === 'maps'
              ? `${f.requests} connections (${p.floodPerS.toFixed(0)}/s), ${f.answered ?? 0} maps answered${f.firstError ? ` (${f.firstError})` : ''}`
              : `${f.requests} requests (${p.floodPerS.toFixed(0)}/s): cut ${f.slowConsumerDrops}× as slow consumer, ${f.otherErrors} failed logins`;
      return [
        p.phase === 'baseline' ? 'baseline (no flooder)' : FLOODERS[p.phase],
        result.databaseLabel,
        `${ms(p.delivery.p50)} / ${ms(p.delivery.p95)} / ${ms(p.delivery.p99)} / ${ms(p.delivery.max)}`,
        p.phase === 'baseline' ? '1' : p99Ratio(result, p).toFixed(2),
        `${ms(p.ping.p50)} / ${ms(p.ping.p99)}`,
        p.phase === 'baseline' ? '1' : p99Ratio(result, p, (x) => x.ping).toFixed(2),
        `${p.offered} / ${p.delivered} / ${p.errors} / ${p.missing} / ${p.duplicates}`,
        ms(p.maxLagMs),
        `${p.serverCores.toFixed(2)} + ${p.databaseCores.toFixed(2)} + ${p.flooderCores.toFixed(2)}`,
        got,
      ];
    }),
  );
  const byRound = table(
    [
      'phase',
      'database',
      'normal delivery ms p50 / p95 / p99 / max',
      'p99 ÷ baseline before',
      'ping ms p50 / p99',
      'ping p99 ÷ baseline',
      'offered / delivered / errors / missing / twice',
      'generator lag ms max',
      'CPU cores server + db + flooder',
      'flooder got',
    ],
    rows,
  );
  const pooled = results.flatMap((result) =>
    pooledPings(result).map((p) => [
      FLOODERS[p.kind],
      result.databaseLabel,
      String(p.rounds),
      `${ms(p.baseline.p50)} / ${ms(p.baseline.p99)} (${p.baseline.count})`,
      `${ms(p.flooded.p50)} / ${ms(p.flooded.p99)} (${p.flooded.count})`,
      (p.flooded.p99 / p.baseline.p99).toFixed(2),
    ]),
  );
  const pooledTable = table(
    [
      'flooder',
      'database',
      'rounds',
      'ping ms p50 / p99 (pings), baselines',
      'ping ms p50 / p99 (pings), flooded',
      'pooled ping p99 ÷ baseline',
    ],
    pooled,
  );
  return `${byRound}\n\nPings pooled over the rounds (all of a flooder's phases against all the baselines just before them):\n\n${pooledTable}`;
}
