import type { Duplex } from 'node:stream';

/**
 * Requests of one connection being handled at once. A real client has a few; past this the session
 * stops reading its socket (TCP then pushes back on the client), so a client that pipelines without
 * end waits on itself instead of filling the database pool for others.
 */
export const MAX_REQUESTS_IN_FLIGHT = 8;

/**
 * Bytes of replies and pushes the client has not read yet past which its next request waits: a
 * client that asks without reading the answers gets no more work done for it (docs/protocol.md §
 * Limits), long before its queue reaches the slow-consumer cut, which is for pushes it did not ask for.
 */
export const UNREAD_HIGH_WATER = 1024 * 1024;

/** After a request refused for going too fast, the connection's requests run one at a time this long. */
export const ONE_AT_A_TIME_AFTER_REFUSAL_MS = 1000;

/**
 * The longest a refusal holds the connection, whatever its `retryAfterMs`: at the default send rate a
 * hold is 20 ms, but a server configured with a very slow rate must not freeze a client's pings,
 * history and logout for as long as its next send has to wait.
 */
export const MAX_HOLD_MS = 1000;

/**
 * When the next request of a connection may start. It waits in arrival order, and the socket is not
 * read meanwhile (TCP pushes back on the client), while:
 * - MAX_REQUESTS_IN_FLIGHT of its requests are being handled;
 * - more than UNREAD_HIGH_WATER bytes wait for the client to read them;
 * - a request was refused for going too fast less than its `retryAfterMs` ago (at most MAX_HOLD_MS;
 *   then, for ONE_AT_A_TIME_AFTER_REFUSAL_MS, one request at a time): a client that ignores
 *   `retryAfterMs` costs the server about one request per refill of its rate, not one per request;
 * - its pace says wait (a token bucket per user for every request but `send`: DEFAULT_REQUEST_PACE_PER_S,
 *   docs/protocol.md § Limits). Nothing is refused for it: the request just starts later, at the turn
 *   the pace booked for it (RateLimiter.reserve), so requests sharing a pace start in the order asked.
 */
export class RequestGate<T> {
  #inFlight = 0;
  #heldUntil = 0;
  #refusedAt = Number.NEGATIVE_INFINITY;
  /** A timer or a 'drain' listener will look at the queue again. */
  #wakeArmed = false;
  readonly #waiting: T[] = [];
  /** The turn the pace booked for the first request waiting (performance.now() time). */
  #booked: { item: T; at: number } | undefined;

  constructor(
    private readonly stream: Duplex,
    /** Starts one request; its end must be reported with `finished`. */
    private readonly start: (item: T) => void,
    /**
     * Books a turn for `item` from its pace: 0 when it may start now, else the milliseconds until its
     * booked turn (it is not asked again for the same item).
     */
    private readonly pace: (item: T) => number,
  ) {}

  /** A request was read: started now, or queued (and the socket paused) until the gate opens. */
  offer(item: T): void {
    // Behind others it just queues: whatever holds them up already has a wake-up set (an answer to
    // come, a timer or 'drain').
    const waitMs = this.#waiting.length === 0 ? this.#waitFor(item) : Number.POSITIVE_INFINITY;
    if (waitMs === 0) return this.#run(item);
    this.#waiting.push(item);
    this.stream.pause();
    if (this.#waiting.length === 1) this.#armWake(waitMs);
  }

  /** A started request was answered; `holdMs` > 0 if it was refused for going too fast. */
  finished(holdMs = 0): void {
    this.#inFlight--;
    if (holdMs > 0) {
      const now = performance.now();
      this.#heldUntil = Math.max(this.#heldUntil, now + Math.min(holdMs, MAX_HOLD_MS));
      this.#refusedAt = now;
    }
    this.#drain();
  }

  /**
   * The connection is closing: what waits is dropped unanswered (the client is told why by the
   * session's final frame), and the socket is read again, so that the peer's end is seen and the
   * connection can close.
   */
  close(): void {
    this.#waiting.length = 0;
    this.#booked = undefined;
    this.stream.resume();
  }

  #run(item: T): void {
    this.#inFlight++;
    this.start(item);
  }

  /**
   * 0 when `item` may start now (its pace turn taken), a time in ms when only a hold or the pace stands
   * in the way, Infinity when it waits for an answer or for the client to read.
   */
  #waitFor(item: T): number {
    const now = performance.now();
    const limit = now - this.#refusedAt < ONE_AT_A_TIME_AFTER_REFUSAL_MS ? 1 : MAX_REQUESTS_IN_FLIGHT;
    if (this.#inFlight >= limit || this.stream.writableLength > UNREAD_HIGH_WATER) return Number.POSITIVE_INFINITY;
    if (now < this.#heldUntil) return this.#heldUntil - now;
    if (this.#booked?.item === item) {
      if (now < this.#booked.at) return this.#booked.at - now;
      this.#booked = undefined;
      return 0;
    }
    const waitMs = this.pace(item);
    if (waitMs > 0) this.#booked = { item, at: now + waitMs };
    return waitMs;
  }

  /** Starts queued requests while the gate is open; reads the socket again once none wait. */
  #drain(): void {
    if (this.stream.destroyed) return;
    while (this.#waiting.length > 0) {
      const waitMs = this.#waitFor(this.#waiting[0]!);
      if (waitMs > 0) return this.#armWake(waitMs);
      this.#run(this.#waiting.shift()!);
    }
    if (this.stream.isPaused()) this.stream.resume();
  }

  /**
   * Makes sure something looks at the queue again: an answer does (finished); a hold or the pace
   * needs a timer, unread bytes the socket's 'drain' (it comes: a write past its buffer returned false).
   */
  #armWake(waitMs: number): void {
    if (this.#wakeArmed) return;
    const wake = () => {
      this.#wakeArmed = false;
      this.#drain();
    };
    if (Number.isFinite(waitMs)) {
      this.#wakeArmed = true;
      setTimeout(wake, Math.max(1, Math.ceil(waitMs))).unref();
    } else if (this.stream.writableLength > UNREAD_HIGH_WATER) {
      this.#wakeArmed = true;
      this.stream.once('drain', wake);
    }
  }
}
