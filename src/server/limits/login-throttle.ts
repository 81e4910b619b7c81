export interface ThrottleOptions {
  /** Failures allowed per name from one address before that address is locked out of it. @default 5 */
  readonly perName: number;
  /**
   * Failures allowed per name from all addresses together before the name is locked for every
   * address but those its owner logged in from (a guess spread over many hosts). @default 50
   */
  readonly perNameEverywhere: number;
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
  /** Addresses remembered per name as ones its owner logged in from (the latest kept). @default 8 */
  readonly trustedPerName: number;
  readonly now: () => number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  perName: 5,
  perNameEverywhere: 50,
  perAddress: 20,
  baseLockMs: 2000,
  maxLockMs: 15 * 60_000,
  windowMs: 15 * 60_000,
  maxKeys: 100_000,
  trustedPerName: 8,
  now: Date.now,
};

interface Entry {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

/**
 * Failed-login throttling (protocol.md § Limits), in memory on each node; a locked key answers
 * `rate_limited` with the time left. Three counts, so that neither guessing one password across many
 * names, nor many passwords against one name, gets far — and so that guessing cannot lock the owner out:
 *
 * - per address, across names: a host guessing is locked out of every name;
 * - per name and address: a host guessing one name is locked out of that name, not its owner elsewhere
 *   (before, five wrong logins from anywhere locked the name for everyone: issue 17, finding 10);
 * - per name, across addresses, at a higher count: a guess spread over many hosts locks the name,
 *   except for the addresses its owner logged in from (the last few, remembered on each success).
 *
 * `name` is the account name as the client typed it, already checked to be a possible account name
 * (accounts.ts): the keys fold ASCII letter case only, as the names do.
 */
export class LoginThrottle {
  readonly #options: ThrottleOptions;
  readonly #entries = new Map<string, Entry>();
  /** Per name key: addresses its owner logged in from, oldest first. */
  readonly #trusted = new Map<string, string[]>();

  constructor(options: Partial<ThrottleOptions> = {}) {
    this.#options = { ...DEFAULT_THROTTLE, ...options };
  }

  /**
   * Milliseconds until a login as `name` from `address` may be tried; 0 when it may now. `name` is
   * undefined for a `resume` (or a name no account can have): only the address is judged.
   */
  retryAfter(name: string | undefined, address: string | undefined): number {
    const now = this.#options.now();
    const wait = (key: string) => Math.max(0, (this.#entries.get(key)?.lockedUntil ?? 0) - now);
    let longest = address ? wait(addressKey(address)) : 0;
    if (name !== undefined) {
      longest = Math.max(longest, wait(pairKey(name, address)));
      if (!this.#isTrusted(name, address)) longest = Math.max(longest, wait(nameKey(name)));
    }
    return longest;
  }

  /** Counts a failure against `name` (when the attempt named one) from `address`, and against `address`. */
  failed(name: string | undefined, address: string | undefined): void {
    if (name !== undefined) {
      this.#fail(pairKey(name, address), this.#options.perName);
      this.#fail(nameKey(name), this.#options.perNameEverywhere);
    }
    if (address) this.#fail(addressKey(address), this.#options.perAddress);
  }

  /**
   * A successful login (or signup) as `name` from `address`: clears the name's failures (not the
   * address's: one good account must not launder guesses) and remembers the address as its owner's.
   */
  succeeded(name: string, address: string | undefined): void {
    this.#entries.delete(pairKey(name, address));
    this.#entries.delete(nameKey(name));
    if (!address) return;
    const key = nameKey(name);
    const addresses = (this.#trusted.get(key) ?? []).filter((known) => known !== address);
    addresses.push(address);
    if (addresses.length > this.#options.trustedPerName) addresses.shift();
    this.#trusted.delete(key);
    this.#trusted.set(key, addresses);
    while (this.#trusted.size > this.#options.maxKeys) this.#trusted.delete(this.#trusted.keys().next().value!);
  }

  #isTrusted(name: string, address: string | undefined): boolean {
    return address !== undefined && (this.#trusted.get(nameKey(name))?.includes(address) ?? false);
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

/** ASCII case only: account names are ASCII (USER_NAME_PATTERN), and a Unicode fold is what let `İ` through. */
const fold = (name: string) => name.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
const nameKey = (name: string) => `name:${fold(name)}`;
const pairKey = (name: string, address: string | undefined) => `pair:${address ?? ''}:${fold(name)}`;
const addressKey = (address: string) => `addr:${address}`;
