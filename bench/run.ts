import { runBacklogScenario } from './backlog.js';
import { formatCodecResults, runCodecBench } from './codec.js';
import { formatDmStorm, runDmStorm, type DmStormResult } from './load/dm-storm.js';
import { stopBenchPostgres } from './load/deployment.js';

/**
 * `npm run bench [-- --scenario NAME] [--duration S] [--clients N]`: every benchmark scenario, or
 * one. docs/benchmarks.md lists them with their latest figures and the commands that produced them.
 */
interface BenchArgs {
  readonly scenario: string | undefined;
  /** Seconds of load per run, for the load scenarios. */
  readonly durationS: number | undefined;
  /** Client counts, for the load scenarios (`--clients 100,300`). */
  readonly clients: number[] | undefined;
}

type Scenario = (args: BenchArgs) => string | Promise<string>;

const SCENARIOS: Record<string, Scenario> = {
  codecs: () => formatCodecResults(runCodecBench()),
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
  workers: async (args) => {
    const results: DmStormResult[] = [];
    for (const workers of [1, 2]) {
      results.push(await runDmStorm({ database: 'postgres', clients: args.clients?.[0] ?? 200, durationS: args.durationS ?? 10, workers }));
    }
    return `DM storm, ${results[0]!.options.clients} clients, ${results[0]!.options.durationS} s each:\n\n${formatDmStorm(results, 'workers')}`;
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
  return {
    scenario: value('--scenario'),
    durationS: duration === undefined ? undefined : positive('--duration', duration),
    clients: clients === undefined ? undefined : clients.split(',').map((c) => positive('--clients', c)),
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
