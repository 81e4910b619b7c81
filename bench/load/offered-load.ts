/**
 * An open-loop load: `fire(n, at)` is called for sends n = 0, 1, 2, … at the times they are due
 * (`at`, a `performance.now()` value: start + n / rate), whatever the server's acks are doing. A
 * closed loop (send, wait for the ack, send again) slows down with the server and hides its queueing;
 * a fixed offered rate does not, and the latency recorded from `at` (not from when the generator got
 * round to it) includes any lag of the generator too, so a stall is never left out of the figures.
 */
export interface OfferedLoad {
  /** Sends fired (every one that fell due before the end). */
  readonly fired: number;
  /** The largest delay between a send's due time and its firing (the generator's own lag), ms. */
  readonly maxLagMs: number;
}

export async function offerLoad(
  ratePerS: number,
  durationS: number,
  fire: (n: number, at: number) => void,
  until?: () => boolean,
): Promise<OfferedLoad> {
  const start = performance.now();
  const total = Math.floor(ratePerS * durationS);
  const intervalMs = 1000 / ratePerS;
  let fired = 0;
  let maxLagMs = 0;
  while (fired < total && !(until?.() ?? false)) {
    const now = performance.now();
    // All sends due by now, in one go: timers fire about once a millisecond at best.
    const due = Math.min(total, Math.floor((now - start) / intervalMs) + 1);
    for (; fired < due; fired++) {
      const at = start + fired * intervalMs;
      maxLagMs = Math.max(maxLagMs, now - at);
      fire(fired, at);
    }
    const nextAt = start + fired * intervalMs;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, nextAt - performance.now())));
  }
  return { fired, maxLagMs };
}

/** Waits until `done()` or `timeoutMs` passed, polling; says whether `done()` became true. */
export async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
