import { DEFAULT_SEND_BURST, DEFAULT_SEND_RATE_PER_S } from '../../protocol/index.js';

export interface RateOptions {
  /** Actions per second, sustained, per key; 0 turns the limit off. @default DEFAULT_SEND_RATE_PER_S (50) */
  readonly perSecond: number;
  /** Actions a key may take at once (the bucket's size). @default DEFAULT_SEND_BURST (1,000) */
  readonly burst: number;
  readonly now: () => number;
}

export const DEFAULT_SEND_RATE: RateOptions = {
  perSecond: DEFAULT_SEND_RATE_PER_S,
  burst: DEFAULT_SEND_BURST,
  now: Date.now,
};

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date. */
  at: number;
}

/** Buckets kept before full ones (indistinguishable from absent ones) are swept out. */
const SWEEP_AT = 10_000;

/**
 * A rate per key on this node (protocol.md § Limits): one token bucket per key. Keyed by user for the
 * send rate and the request pace, shared by all their sessions here, so opening more connections buys
 * no more. In memory, like the login throttle: each node judges what it is asked to do.
 */
export class RateLimiter<K = number> {
  readonly #options: RateOptions;
  readonly #buckets = new Map<K, Bucket>();
  #sweepAt = SWEEP_AT;

  constructor(options: Partial<RateOptions> = {}) {
    this.#options = { ...DEFAULT_SEND_RATE, ...options };
  }

  /** Takes one token from `key`'s bucket: 0 when it may act now, else the milliseconds until it may. */
  take(key: K): number {
    const { perSecond, burst, now } = this.#options;
    if (perSecond <= 0) return 0;
    const at = now();
    const bucket = this.#buckets.get(key) ?? { tokens: burst, at };
    bucket.tokens = Math.min(burst, bucket.tokens + ((at - bucket.at) * perSecond) / 1000);
    bucket.at = at;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.#sweep(at);
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) * 1000) / perSecond);
  }

  /**
   * Books `key`'s next turn: 0 when it may act now, else the milliseconds until its booked turn, when
   * it may act without asking again. Turns are handed out in the order asked for, so a pace that many
   * wait on (the logins of one address, the requests of one user's connections) is a queue: asking
   * again and again (take) would be a lottery, where one unlucky asker can wait past any deadline
   * while later ones go first. The bucket goes below zero by the turns booked ahead.
   */
  reserve(key: K): number {
    const { perSecond, burst, now } = this.#options;
    if (perSecond <= 0) return 0;
    const at = now();
    const bucket = this.#buckets.get(key) ?? { tokens: burst, at };
    bucket.tokens = Math.min(burst, bucket.tokens + ((at - bucket.at) * perSecond) / 1000) - 1;
    bucket.at = at;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 0) {
      this.#sweep(at);
      return 0;
    }
    return Math.ceil((-bucket.tokens * 1000) / perSecond);
  }

  /** Keys tracked now (for tests and memory checks). */
  get size(): number {
    return this.#buckets.size;
  }

  /** Drops buckets that have refilled, so memory follows recent actors, not every key ever seen. */
  #sweep(at: number): void {
    if (this.#buckets.size < this.#sweepAt) return;
    const { perSecond, burst } = this.#options;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((at - bucket.at) * perSecond) / 1000 >= burst) this.#buckets.delete(key);
    }
    // When most senders are active, sweeping again at once would only rescan them: wait for growth.
    this.#sweepAt = Math.max(SWEEP_AT, this.#buckets.size * 2);
  }
}
