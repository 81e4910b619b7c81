import { DEFAULT_MAX_CONNECTIONS_PER_ADDRESS } from '../../protocol/index.js';

/** How long a connection past the per-address limit waits for its `too_many_connections`. */
export const BUSY_REFUSAL_DELAY_MS = 1000;

/** Refused connections held open (waiting for their answer) at most; past it they are cut at once. */
export const MAX_HELD_REFUSALS = 1024;

/** How often refusals of one address are logged at most (each is counted in the metrics regardless). */
export const REFUSAL_LOG_INTERVAL_MS = 10_000;

/**
 * Counts open connections per remote address and refuses one past the limit (protocol.md § Limits),
 * so one host cannot take every socket a process can hold. One count per process, shared by the core
 * and the TLS listener: a connection is counted from its accept, including while its TLS handshake or
 * first byte is awaited. Connections with no known address (an in-memory duplex in tests) are not counted.
 */
export class AddressLimit {
  readonly #open = new Map<string, number>();
  /** Per address at its limit: refusals not logged yet, and when one was last logged. */
  readonly #refusals = new Map<string, { loggedAt: number; unlogged: number }>();

  /** @param max connections per address; 0 means no limit. */
  constructor(readonly max: number = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS) {}

  /** Counts a new connection from `address`, or returns false (counting nothing) when it is one too many. */
  tryOpen(address: string | undefined): boolean {
    if (address === undefined) return true;
    const key = addressKey(address);
    const open = this.#open.get(key) ?? 0;
    if (this.max > 0 && open >= this.max) return false;
    this.#open.set(key, open + 1);
    return true;
  }

  /** Forgets a connection `tryOpen` counted. */
  closed(address: string | undefined): void {
    if (address === undefined) return;
    const key = addressKey(address);
    const open = (this.#open.get(key) ?? 0) - 1;
    if (open > 0) this.#open.set(key, open);
    else this.#open.delete(key);
    if (open < this.max) this.#refusals.delete(key);
  }

  /**
   * Counts a refusal of `address` (one `tryOpen` said no to) and says when to log it: the first one,
   * then at most one line per REFUSAL_LOG_INTERVAL_MS carrying how many were refused since, so that
   * a connection flood cannot become a log flood. Returns that count when a line is due.
   */
  refusalToLog(address: string | undefined, now = Date.now()): number | undefined {
    if (address === undefined) return 1;
    const key = addressKey(address);
    const entry = this.#refusals.get(key);
    if (!entry) {
      this.#refusals.set(key, { loggedAt: now, unlogged: 0 });
      return 1;
    }
    entry.unlogged++;
    if (now - entry.loggedAt < REFUSAL_LOG_INTERVAL_MS) return undefined;
    const count = entry.unlogged;
    entry.loggedAt = now;
    entry.unlogged = 0;
    return count;
  }

  /** Open connections counted for `address`. */
  count(address: string): number {
    return this.#open.get(addressKey(address)) ?? 0;
  }
}

/** An IPv4 peer on a dual-stack socket shows as `::ffff:1.2.3.4`: the same host as `1.2.3.4`. */
export function addressKey(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
