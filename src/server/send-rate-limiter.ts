import { DEFAULT_SEND_BURST, DEFAULT_SEND_RATE_PER_S } from '../protocol/index.js';
import type { UserId } from '../store/chat-store.js';

export interface SendRateOptions {
  /** Sends per second, sustained, per user; 0 turns the limit off. @default DEFAULT_SEND_RATE_PER_S (50) */
  readonly perSecond: number;
  /** Sends a user may make at once (the bucket's size). @default DEFAULT_SEND_BURST (1,000) */
  readonly burst: number;
  readonly now: () => number;
}

export const DEFAULT_SEND_RATE: SendRateOptions = {
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
 * Per-user send rate on this node (protocol.md § Limits): one token bucket per user, shared by all
 * their sessions here, so opening more connections buys no more sends. In memory, like the login
 * throttle: each node judges what it is asked to write.
 */
export class SendRateLimiter {
  readonly #options: SendRateOptions;
  readonly #buckets = new Map<UserId, Bucket>();
  #sweepAt = SWEEP_AT;

  constructor(options: Partial<SendRateOptions> = {}) {
    this.#options = { ...DEFAULT_SEND_RATE, ...options };
  }

  /** Takes one send from `userId`'s bucket: 0 when it may send now, else the milliseconds until it may. */
  take(userId: UserId): number {
    const { perSecond, burst, now } = this.#options;
    if (perSecond <= 0) return 0;
    const at = now();
    const bucket = this.#buckets.get(userId) ?? { tokens: burst, at };
    bucket.tokens = Math.min(burst, bucket.tokens + ((at - bucket.at) * perSecond) / 1000);
    bucket.at = at;
    this.#buckets.set(userId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.#sweep(at);
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) * 1000) / perSecond);
  }

  /** Users tracked now (for tests and memory checks). */
  get size(): number {
    return this.#buckets.size;
  }

  /** Drops buckets that have refilled, so memory follows recent senders, not every user ever seen. */
  #sweep(at: number): void {
    if (this.#buckets.size < this.#sweepAt) return;
    const { perSecond, burst } = this.#options;
    for (const [userId, bucket] of this.#buckets) {
      if (bucket.tokens + ((at - bucket.at) * perSecond) / 1000 >= burst) this.#buckets.delete(userId);
    }
    // When most senders are active, sweeping again at once would only rescan them: wait for growth.
    this.#sweepAt = Math.max(SWEEP_AT, this.#buckets.size * 2);
  }
}
