import { backoffDelay, type BackoffOptions } from '../util/backoff.js';
import { NodeUnreachableError } from './errors.js';

/**
 * How long the quick retries after NodeUnreachableError go on before the loop backs off as usual:
 * longer than any sensible --node-timeout (default 10 s), so that a dead node is always outlived, yet
 * bounded, so that a node that is unreachable from this client for good (a wrong --advertise-host)
 * is not asked about several times a second forever.
 */
export const QUICK_RETRY_FOR_MS = 30_000;

/**
 * The delays of the client's reconnect loop. Failures back off exponentially with full jitter
 * (util/backoff.ts), as from a server that is down. Except one kind: the coordinator answered, but the
 * node it named is not answering (NodeUnreachableError). That node has usually just died, and the
 * coordinators name it until its heartbeat times out, so the loop asks the coordinator again after a
 * short delay that does not grow (at most twice the base delay): the client is on a live node soon
 * after the coordinators notice, not a long backoff later.
 */
export class ReconnectDelays {
  /** Failures that back off. */
  #failures = 0;
  /** When the current run of NodeUnreachableError began. */
  #unreachableSince: number | undefined;

  constructor(
    private readonly backoff: BackoffOptions,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the first attempt, just after the connection was lost. */
  first(): number {
    return backoffDelay(1, this.backoff, this.random);
  }

  /** The delay before the next attempt, after one failed with `error`. */
  after(error: unknown): number {
    if (error instanceof NodeUnreachableError) {
      const now = this.now();
      this.#unreachableSince ??= now;
      if (now - this.#unreachableSince < QUICK_RETRY_FOR_MS) return backoffDelay(2, this.backoff, this.random);
    } else {
      this.#unreachableSince = undefined;
    }
    this.#failures++;
    return backoffDelay(this.#failures + 1, this.backoff, this.random);
  }
}
