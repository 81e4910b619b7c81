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

describe('session fuzz', () => {
  it('100,000 mutated requests over 50 in-memory connections: no crash, one reply each, clean store, bounded heap', async () => {
    const watch = watchProcess();
    const report = await runFuzz({ seed: SEED, cases: 100_000, connections: 50, transport: 'memory' });
    expectClean(report, watch.stop());
    expect(report.cases).toBeGreaterThanOrEqual(100_000);
    // Heap after a full GC, every 500 connections: a leak of even 10 KiB per connection would pass
    // 64 MiB over this run, while the server's bounded caches (throttle, presence) stay well below.
    const samples = report.heapSamples;
    expect(samples.length).toBeGreaterThan(10);
    const early = Math.min(...samples.slice(0, samples.length / 2));
    const late = Math.max(...samples.slice(samples.length / 2));
    expect(late - early).toBeLessThan(64 * 2 ** 20);
  }, 240_000);

  it('5,000 mutated requests over real TCP through the real listener', async () => {
    const watch = watchProcess();
    const report = await runFuzz({ seed: SEED + 1, cases: 5_000, connections: 20, transport: 'tcp' });
    expectClean(report, watch.stop());
  }, 120_000);
});
