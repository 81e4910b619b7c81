import { DEFAULT_MAX_CONNECTIONS_PER_ADDRESS } from '../protocol/index.js';

/**
 * Counts open connections per remote address and refuses one past the limit (protocol.md § Limits),
 * so one host cannot take every socket a process can hold. Connections with no known address (an
 * in-memory duplex in tests) are not counted.
 */
export class AddressLimit {
  readonly #open = new Map<string, number>();

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
  }

  /** Open connections counted for `address`. */
  count(address: string): number {
    return this.#open.get(addressKey(address)) ?? 0;
  }
}

/** An IPv4 peer on a dual-stack socket shows as `::ffff:1.2.3.4`: the same host as `1.2.3.4`. */
function addressKey(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
