export interface ThrottleOptions {
  /** Failures allowed per name before it is locked. @default 5 */
  readonly perName: number;
  /** Failures allowed per client address before it is locked. @default 20 */
  readonly perAddress: number;
  /** First lock duration; it doubles with each further failure, up to `maxLockMs`. @default 2000 */
  readonly baseLockMs: number;
  /** @default 15 minutes */
  readonly maxLockMs: number;
  /** Failures older than this are forgotten. @default 15 minutes */
  readonly windowMs: number;
  /** Keys tracked at most (oldest dropped first), so an attacker cannot grow memory without end. @default 100,000 */
  readonly maxKeys: number;
  readonly now: () => number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  perName: 5,
  perAddress: 20,
  baseLockMs: 2000,
  maxLockMs: 15 * 60_000,
  windowMs: 15 * 60_000,
  maxKeys: 100_000,
  now: Date.now,
};

interface Entry {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

/**
 * Failed-login throttling per account name and per client address (both, so neither guessing one
 * password across many names nor many passwords against one name gets far). Kept in memory on each
 * node; a locked key answers `rate_limited` with the time left.
 */
export class LoginThrottle {
  readonly #options: ThrottleOptions;
  readonly #entries = new Map<string, Entry>();

  constructor(options: Partial<ThrottleOptions> = {}) {
    this.#options = { ...DEFAULT_THROTTLE, ...options };
  }

  /**
   * Milliseconds until `name` (case-insensitive) or `address` may try again; 0 when they may now.
   * `name` is undefined for a `resume`, which names no account: only the address is judged.
   */
  retryAfter(name: string | undefined, address: string | undefined): number {
    const now = this.#options.now();
    const wait = (key: string) => Math.max(0, (this.#entries.get(key)?.lockedUntil ?? 0) - now);
    return Math.max(name === undefined ? 0 : wait(nameKey(name)), address ? wait(addressKey(address)) : 0);
  }

  /** Counts a failure against `name` (when the attempt named one) and `address`. */
  failed(name: string | undefined, address: string | undefined): void {
    if (name !== undefined) this.#fail(nameKey(name), this.#options.perName);
    if (address) this.#fail(addressKey(address), this.#options.perAddress);
  }

  /** A successful login clears the name's failures (not the address's: one good account must not launder guesses). */
  succeeded(name: string): void {
    this.#entries.delete(nameKey(name));
  }

  #fail(key: string, allowed: number): void {
    const { now, windowMs, baseLockMs, maxLockMs, maxKeys } = this.#options;
    const at = now();
    let entry = this.#entries.get(key);
    if (!entry || at - entry.lastFailure > windowMs) entry = { failures: 0, lastFailure: at, lockedUntil: 0 };
    entry.failures++;
    entry.lastFailure = at;
    if (entry.failures >= allowed) {
      entry.lockedUntil = at + Math.min(maxLockMs, baseLockMs * 2 ** (entry.failures - allowed));
    }
    // Re-insert so Map order is least-recently-failed first, then drop the oldest beyond the cap.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > maxKeys) this.#entries.delete(this.#entries.keys().next().value!);
  }
}

const nameKey = (name: string) => `name:${name.toLowerCase()}`;
const addressKey = (address: string) => `addr:${address}`;
