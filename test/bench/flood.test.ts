import { describe, expect, it } from 'vitest';
import { formatFlood, runFlood } from '../../bench/load/flood.js';

/** Counts only: the flood scenario's speed is measured by npm run bench, never asserted. */
describe('bench: flooders against the default limits but a send rate any server outpaces, at a small size', () => {
  it('every normal message is delivered once through each phase, and the flooders are refused', async () => {
    // The send flooder floods until its first refusal. At the default 50/s a server slowed by CPU hogs
    // may never accept sends faster than that, so the refusal would never come: 1/s after a burst of
    // 100 is outpaced by any server, and a normal client here sends about 45 in the whole run.
    // The flooders run at normal priority: at nice 19 beside CPU hogs they would hardly run at all.
    const serverArgs = ['--send-rate', '1', '--send-burst', '100'];
    const result = await runFlood({ database: 'pglite', clients: 4, ratePerS: 20, durationS: 1, warmUpS: 0, serverArgs, flooderNice: 0 });
    // Each flood after a baseline of its own.
    expect(result.phases.map((p) => p.phase)).toEqual([
      'baseline',
      'send',
      'baseline',
      'connections',
      'baseline',
      'slow',
      'baseline',
      'maps',
    ]);
    for (const phase of result.phases) {
      expect(phase.offered).toBe(20);
      expect(phase.errors).toBe(0);
      expect(phase.acked).toBe(phase.offered);
      expect(phase.delivered).toBe(phase.acked);
      expect(phase.missing).toBe(0);
      expect(phase.duplicates).toBe(0);
      expect(phase.delivery.count).toBe(phase.delivered);
      // Another user's pings were answered through every phase.
      expect(phase.ping.count).toBeGreaterThan(0);
    }
    const flood = (kind: string) => result.phases.find((p) => p.phase === kind)!.flood!;
    // (a) past the burst of 100 the user's raw pipelined sends are refused (it floods until the first
    // refusal, however slow the machine): rate_limited, and out_of_order behind a refused send it never
    // sends again. Every send is answered but the window still in flight when it hangs up; none fails otherwise.
    expect(flood('send').rateLimited).toBeGreaterThan(0);
    expect(flood('send').otherErrors).toBe(0);
    expect(flood('send').accepted + flood('send').rateLimited + flood('send').outOfOrder + flood('send').abandoned!).toBe(
      flood('send').requests,
    );
    // (b) the per-address cap (256) holds: some connections kept, the rest refused.
    expect(flood('connections').connectionsHeld).toBeLessThanOrEqual(256);
    expect(flood('connections').connectionsRefused).toBeGreaterThan(0);
    // (c) it floods; the server stops reading it once its unread replies pass the limit (not asserted: timing).
    expect(flood('slow').requests).toBeGreaterThan(0);
    expect(flood('slow').otherErrors).toBe(0);
    // (d) not one wide map was decoded and answered: each connection was refused on the frame's header.
    expect(flood('maps').requests).toBeGreaterThan(0);
    expect(flood('maps').answered).toBe(0);
    expect(flood('maps').firstError).toMatch(/exceeds the limit of 65536 bytes/);
    expect(formatFlood([result])).toContain('baseline (no flooder)');
  }, 120_000);
});
