import { describe, expect, it } from 'vitest';
import { runFuzz, type FuzzReport } from '../../bench/fuzz/run.js';

/**
 * The session fuzzer (docs/testing.md § Fuzzing) at a fixed seed, so a failure here reproduces with
 * `npm run fuzz -- --seed 20261126 --only <script>`. The long, random-seed run is `npm run fuzz`.
 */
const SEED = 20261126;

/** Any uncaught exception or unhandled rejection during a run fails it, even if the run "passed". */
function watchProcess(): { stop(): string[] } {
  const seen: string[] = [];
  const onError = (error: unknown) => seen.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return {
    stop: () => {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
      return seen;
    },
  };
}

function expectClean(report: FuzzReport, crashes: string[]): void {
  expect(crashes).toEqual([]);
  expect(report.failures.slice(0, 5)).toEqual([]);
  expect(report.errorLogs.slice(0, 5)).toEqual([]);
  expect(report.storeViolations).toEqual([]);
  expect(report.connectionsLeft).toBe(0);
}

/**
 * In-memory cases per run: 30,000 (about 4,500 connections) keeps the suite within CI's budget;
 * FUZZ_CASES=N runs more (`FUZZ_CASES=1000000 npx vitest run test/fuzz`), `npm run fuzz` longer still.
 */
const CASES = Number(process.env.FUZZ_CASES ?? 30_000);

/**
 * What a leak must cost per connection to fail the heap check. Heap after a full GC moves by a few
 * MiB between samples of a clean run (bounded caches filling, PGlite's buffers); a leak of this much
 * per connection adds it up to well beyond that by the second half of the run.
 */
const LEAK_PER_CONNECTION = 8 * 1024;
const HEAP_NOISE = 16 * 2 ** 20;

describe('session fuzz', () => {
  it(`${CASES.toLocaleString('en')} mutated requests over 50 in-memory connections: no crash, one reply each, clean store, bounded heap`, async () => {
    const watch = watchProcess();
    const report = await runFuzz({ seed: SEED, cases: CASES, connections: 50, transport: 'memory' });
    expectClean(report, watch.stop());
    expect(report.cases).toBeGreaterThanOrEqual(CASES);
    // Heap after a full GC, every 500 connections, lowest of the first half against highest of the
    // second: about half the run's connections lie between them.
    const samples = report.heapSamples;
    expect(samples.length).toBeGreaterThanOrEqual(6);
    const early = Math.min(...samples.slice(0, samples.length / 2));
    const late = Math.max(...samples.slice(samples.length / 2));
    expect(late - early).toBeLessThan(Math.max(HEAP_NOISE, (report.scripts / 2) * LEAK_PER_CONNECTION));
  }, 240_000);

  it('5,000 mutated requests over real TCP through the real listener', async () => {
    const watch = watchProcess();
    const report = await runFuzz({ seed: SEED + 1, cases: 5_000, connections: 20, transport: 'tcp' });
    expectClean(report, watch.stop());
  }, 120_000);
});
