import { parseArgs } from 'node:util';
import { runFuzz } from './fuzz/run.js';

/**
 * `npm run fuzz`: the long session fuzz (docs/testing.md § Fuzzing). A random seed unless --seed is
 * given; prints the seed first so any run can be repeated, then cases/s and every failure.
 *
 *   npm run fuzz -- --seconds 600
 *   npm run fuzz -- --seed 1234 --only 5871      (replay one script of a failed run)
 */
const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '1000000' },
    seconds: { type: 'string' },
    seed: { type: 'string' },
    connections: { type: 'string', default: '50' },
    tcp: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});

const seed = values.seed === undefined ? (Math.random() * 2 ** 31) | 0 : Number(values.seed);
console.log(`fuzz seed ${seed} (${values.tcp ? 'tcp' : 'in-memory'}, ${values.connections} connections)`);
const report = await runFuzz({
  seed,
  cases: Number(values.cases),
  ...(values.seconds === undefined ? {} : { seconds: Number(values.seconds) }),
  connections: Number(values.connections),
  transport: values.tcp ? 'tcp' : 'memory',
  ...(values.only === undefined ? {} : { only: values.only.split(',').map(Number) }),
});

const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
console.log(
  `${report.cases} cases in ${report.scripts} connections, ${report.seconds.toFixed(1)} s: ${Math.round(report.cases / report.seconds)} cases/s`,
);
console.log(`heap after GC: ${report.heapSamples.map(mb).join(' → ') || 'not sampled'}`);
for (const f of report.failures)
  console.log(
    `FAIL seed ${f.seed} script ${f.script} (${f.kind}): ${f.violations.join('; ')}\n  replay: npm run fuzz -- --seed ${f.seed} --only ${f.script}`,
  );
for (const line of report.errorLogs) console.log(`SERVER ERROR ${line}`);
for (const line of report.storeViolations) console.log(`STORE ${line}`);
if (report.connectionsLeft) console.log(`LEAK ${report.connectionsLeft} connections still open`);
const failed = report.failures.length + report.errorLogs.length + report.storeViolations.length + report.connectionsLeft > 0;
console.log(failed ? 'fuzz FAILED' : 'fuzz passed');
process.exitCode = failed ? 1 : 0;
