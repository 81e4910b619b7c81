import { describe, expect, it } from 'vitest';
import { formatBacklogResult, runBacklogBench } from '../../bench/backlog.js';
import { formatCodecResults, runCodecBench } from '../../bench/codec.js';
import { runKeystrokeBench } from '../../bench/keystroke.js';

/** The scenarios that need no server run at a small size and report what they measured (speed itself is never asserted). */
describe('bench: scenarios without a server, at a small size', () => {
  it('backlog: reads back every message of a short backlog, one session per 100 messages', async () => {
    const result = await runBacklogBench(150);
    expect(result.messages).toBe(150);
    expect(result.sessions).toBe(2);
    expect(result.runs).toHaveLength(3);
    expect(result.seconds).toBeGreaterThan(0);
    expect(formatBacklogResult([result])).toMatch(/\| 150 \| 2 \|/);
  }, 60_000);

  it('keystroke: times every counted keystroke into a rendered TUI', async () => {
    const result = await runKeystrokeBench(100, 10, 2);
    expect(result).toMatchObject({ messages: 100, keystrokes: 10 });
    expect(result.p50).toBeGreaterThan(0);
    expect(result.max).toBeGreaterThanOrEqual(result.p99);
  }, 60_000);

  it('codecs: measures both codecs at both sizes', () => {
    const results = runCodecBench();
    expect(results.map((r) => [r.codec, r.messageBytes > 4000])).toEqual([
      ['framed', false],
      ['framed', true],
      ['legacy', false],
      ['legacy', true],
    ]);
    expect(results.every((r) => r.framesPerSecond > 0)).toBe(true);
    expect(formatCodecResults(results)).toContain('| framed |');
  }, 120_000);
});
