import { runBacklogScenario } from './backlog.js';
import { formatCodecResults, runCodecBench } from './codec.js';
import { formatMembershipViews, runMembershipViews } from './membership-views.js';
import { formatDmStorm, runDmStorm, type DmStormResult } from './load/dm-storm.js';
import { stopBenchPostgres } from './load/deployment.js';
import { formatFlood, runFlood } from './load/flood.js';
import { FLOOD_KINDS, type FloodKind } from './load/flooders.js';
import { formatFanout, runFanout, type FanoutResult } from './load/fanout.js';
import { formatIdle, runIdle } from './load/idle.js';
import { formatLegacy, runLegacy, type LegacyResult } from './load/legacy.js';
import { formatOrderProbe, runOrderProbe, type OrderProbeResult } from './load/order-probe.js';
import { formatRate, runRate, type RateResult } from './load/rate.js';
import { formatReconnect, runReconnect, type ReconnectResult } from './load/reconnect.js';

/**
 * `npm run bench [-- --scenario NAME] [--duration S] [--clients N] [--rate R] [--floods K,…] [--rounds N] [--messages N] [--window N]`: every benchmark scenario, or
 * one. docs/benchmarks.md lists them with their latest figures and the commands that produced them.
 */
interface BenchArgs {
  readonly scenario: string | undefined;
  /** Seconds of load per run, for the load scenarios. */
  readonly durationS: number | undefined;
  /** Client counts, for the load scenarios (`--clients 100,300`). */
  readonly clients: number[] | undefined;
  /** Offered loads in messages per second, for `rate` (`--rate 500,1000`). */
  readonly rates: number[] | undefined;
  /** Which flooders, for `flood` (`--floods send,connections,slow`). */
  readonly floods: FloodKind[] | undefined;
  /** Rounds of each flooder's baseline-and-flood pair, for `flood`. */
  readonly rounds: number | undefined;
  /** Messages per client, for `legacy`. */
  readonly messages: number | undefined;
  /** Undelivered messages a sender may have at once, for `legacy`. */
  readonly window: number | undefined;
}

type Scenario = (args: BenchArgs) => string | Promise<string>;

const SCENARIOS: Record<string, Scenario> = {
  codecs: () => formatCodecResults(runCodecBench()),
  // --clients: group sizes (default 100, 1000).
  'membership-views': (args) => formatMembershipViews(runMembershipViews(args.clients ?? [100, 1000])),
  backlog: runBacklogScenario,
  // React's production build, as `fastchat tui` runs it: loaded only now, after NODE_ENV is set.
  keystroke: async () => {
    process.env.NODE_ENV ??= 'production';
    return (await import('./keystroke.js')).runKeystrokeScenario();
  },
  'dm-storm': async (args) => {
    const results: DmStormResult[] = [];
    for (const database of ['postgres', 'pglite'] as const) {
      for (const clients of args.clients ?? [100, 300, 1000]) {
        results.push(await runDmStorm({ database, clients, durationS: args.durationS ?? 10 }));
      }
    }
    return formatDmStorm(results);
  },
  // --clients: senders (default 40); each pipelines 300 sends, 8 in flight, into a new direct conversation.
  'order-probe': async (args) => {
    const results: OrderProbeResult[] = [];
    for (const database of ['postgres', 'pglite'] as const) {
      for (const senders of args.clients ?? [40]) results.push(await runOrderProbe({ database, senders }));
    }
    return formatOrderProbe(results);
  },
  workers: async (args) => {
    const results: DmStormResult[] = [];
    for (const workers of [1, 2]) {
      results.push(await runDmStorm({ database: 'postgres', clients: args.clients?.[0] ?? 200, durationS: args.durationS ?? 10, workers }));
    }
    return `DM storm, ${results[0]!.options.clients} clients, ${results[0]!.options.durationS} s each:\n\n${formatDmStorm(results, 'workers')}`;
  },
  // Sizes: docs/benchmarks.md says why each default is what it is (signups cost a scrypt each).
  rate: async (args) => {
    const results: RateResult[] = [];
    for (const database of ['postgres', 'pglite'] as const) {
      const rates = args.rates ?? [500, 1000, 2000];
      results.push(await runRate({ database, clients: args.clients?.[0] ?? 1000, rates, durationS: args.durationS ?? 10 }));
    }
    return formatRate(results);
  },
  fanout: async (args) => {
    const results: FanoutResult[] = [];
    for (const database of ['postgres', 'pglite'] as const) {
      for (const members of args.clients ?? [10, 50, 100]) {
        results.push(await runFanout({ database, members, durationS: args.durationS ?? 10 }));
      }
    }
    return formatFanout(results);
  },
  // The server keeps its default limits here; the normal clients stay under them (docs/benchmarks.md § flood).
  flood: async (args) =>
    formatFlood([
      await runFlood({
        database: 'postgres',
        clients: args.clients?.[0] ?? 200,
        ratePerS: args.rates?.[0] ?? 500,
        durationS: args.durationS ?? 10,
        ...(args.floods ? { floods: args.floods } : {}),
        ...(args.rounds ? { rounds: args.rounds } : {}),
      }),
    ]),
  // The 2022 clients (issue 18): --clients (default 200), --messages per client (60), --window (1).
  legacy: async (args) => {
    const results: LegacyResult[] = [];
    for (const database of ['postgres', 'pglite'] as const) {
      for (const clients of args.clients ?? [200]) {
        results.push(await runLegacy({ database, clients, messages: args.messages ?? 60, window: args.window ?? 1 }));
      }
    }
    return formatLegacy(results);
  },
  idle: async (args) =>
    formatIdle([
      await runIdle({
        database: 'postgres',
        sizes: args.clients ?? [1000, 5000, 10000],
        ...(args.durationS ? { idleS: args.durationS } : {}),
      }),
    ]),
  reconnect: async (args) => {
    const results: ReconnectResult[] = [];
    for (const database of ['postgres', 'pglite'] as const) {
      for (const clients of args.clients ?? [250, 500, 1000]) {
        const storms = database === 'postgres' ? (['drop', 'restart'] as const) : (['drop'] as const);
        results.push(await runReconnect({ database, clients, storms }));
      }
    }
    return formatReconnect(results);
  },
};

function parseArgs(argv: readonly string[]): BenchArgs {
  const value = (flag: string): string | undefined => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const positive = (flag: string, text: string): number => {
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < 1) fail(`${flag}: "${text}" must be a whole number above 0`);
    return n;
  };
  const duration = value('--duration');
  const clients = value('--clients');
  const rates = value('--rate');
  const floods = value('--floods')?.split(',');
  const rounds = value('--rounds');
  const messages = value('--messages');
  const window = value('--window');
  const kinds: readonly string[] = FLOOD_KINDS;
  for (const flood of floods ?? []) if (!kinds.includes(flood)) fail(`--floods: "${flood}" is not one of ${FLOOD_KINDS.join(', ')}`);
  return {
    scenario: value('--scenario'),
    durationS: duration === undefined ? undefined : positive('--duration', duration),
    clients: clients === undefined ? undefined : clients.split(',').map((c) => positive('--clients', c)),
    rates: rates === undefined ? undefined : rates.split(',').map((r) => positive('--rate', r)),
    floods: floods as FloodKind[] | undefined,
    rounds: rounds === undefined ? undefined : positive('--rounds', rounds),
    messages: messages === undefined ? undefined : positive('--messages', messages),
    window: window === undefined ? undefined : positive('--window', window),
  };
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

const args = parseArgs(process.argv.slice(2));
const names = args.scenario !== undefined ? [args.scenario] : Object.keys(SCENARIOS);
for (const name of names) {
  const scenario = SCENARIOS[name];
  if (!scenario) fail(`unknown scenario "${name}"; known: ${Object.keys(SCENARIOS).join(', ')}`);
  process.stdout.write(`## ${name}\n\n${await scenario(args)}\n\n`);
}
await stopBenchPostgres();
