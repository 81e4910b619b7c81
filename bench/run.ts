import { runBacklogScenario } from './backlog.js';
import { formatCodecResults, runCodecBench } from './codec.js';

/**
 * `npm run bench`: every benchmark scenario, one after the other. Scenarios are added here as the
 * features they measure land (docs/benchmarks.md lists them with their latest figures).
 */
const SCENARIOS: Record<string, () => string | Promise<string>> = {
  codecs: () => formatCodecResults(runCodecBench()),
  backlog: runBacklogScenario,
  // React's production build, as `fastchat tui` runs it: loaded only now, after NODE_ENV is set.
  keystroke: async () => {
    process.env.NODE_ENV ??= 'production';
    return (await import('./keystroke.js')).runKeystrokeScenario();
  },
};

const only = process.argv.indexOf('--scenario');
const names = only >= 0 ? [process.argv[only + 1] ?? ''] : Object.keys(SCENARIOS);
for (const name of names) {
  const scenario = SCENARIOS[name];
  if (!scenario) {
    process.stderr.write(`bench: unknown scenario "${name}"; known: ${Object.keys(SCENARIOS).join(', ')}\n`);
    process.exit(2);
  }
  process.stdout.write(`## ${name}\n\n${await scenario()}\n\n`);
}
