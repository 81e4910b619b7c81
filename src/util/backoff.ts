export interface BackoffOptions {
  /** First delay. @default 250 */
  readonly baseMs: number;
  /** Largest delay. @default 10000 */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 10_000 };

/**
 * Delay before reconnect attempt `attempt` (1, 2, …): exponential, capped, with full jitter (a random
 * point in [0, cap]) so that a thousand clients dropped together do not return together.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const cap = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap * random());
}
