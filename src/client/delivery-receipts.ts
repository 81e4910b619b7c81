import type { ConversationView } from '../protocol/index.js';
import { RequestFailedError, RequestTimeoutError } from './errors.js';
import type { RpcConnection } from './rpc-connection.js';

/** Rows noted before a flush happens on its own, so a long backlog is acknowledged page by page. */
const FLUSH_EVERY_ROWS = 256;

/**
 * The `delivered` receipts of the rows this client has received and processed (protocol.md §
 * receipt): the senders' "✓✓ delivered". Per conversation only the highest seq is kept; at most one
 * request per conversation is in flight and what is noted meanwhile goes in the next one. Offline, or
 * when a request is lost with the connection, the seq stays pending and goes with the next flush
 * (after the next sync). Never throws: every request is a promise whose rejection is handled here.
 */
export class DeliveryReceipts {
  /** The highest processed seq per conversation that is not yet sent. */
  readonly #pending = new Map<number, number>();
  /** The server's delivered cursor per conversation, as its last reply said. */
  readonly #confirmed = new Map<number, number>();
  readonly #inFlight = new Map<number, Promise<void>>();
  #sinceFlush = 0;

  /** @param connection the live connection; throws while offline. */
  constructor(private readonly connection: () => RpcConnection) {}

  /** Notes that the rows of `conversation` up to `seq` are processed. */
  note(conversation: number, seq: number): void {
    const known = Math.max(this.#pending.get(conversation) ?? 0, this.#confirmed.get(conversation) ?? 0);
    if (seq <= known) return;
    this.#pending.set(conversation, seq);
    if (++this.#sinceFlush >= FLUSH_EVERY_ROWS) this.flush();
  }

  /**
   * After a sync: what this device processed before but the server does not know yet (a receipt
   * lost with the connection or the process) is noted again.
   */
  resume(views: readonly ConversationView[], cursorOf: (conversation: number) => number): void {
    for (const view of views) {
      this.#confirmed.set(view.conversation, Math.max(this.#confirmed.get(view.conversation) ?? 0, view.deliveredSeq));
      const cursor = Math.min(cursorOf(view.conversation), view.lastSeq);
      if (cursor > view.joinedSeq) this.note(view.conversation, cursor);
    }
  }

  /** Sends what is pending: one request per conversation that has none in flight. */
  flush(): void {
    this.#sinceFlush = 0;
    for (const conversation of [...this.#pending.keys()]) this.#send(conversation);
  }

  /**
   * Flushes once `done` (the processing of a row) settles, if no later row was queued behind it by
   * then (`latest` is the queue's tail): a burst of rows is acknowledged in one go, not row by row.
   */
  flushWhenIdle(done: Promise<void>, latest: () => Promise<void>): void {
    void done.then(() => {
      if (latest() === done) this.flush();
    });
  }

  /** Seqs noted but not yet confirmed, by conversation (for tests and diagnostics). */
  get pending(): ReadonlyMap<number, number> {
    return this.#pending;
  }

  /** Resolves once no receipt is in flight. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight.values()]);
  }

  #send(conversation: number): void {
    const seq = this.#pending.get(conversation);
    if (seq === undefined || this.#inFlight.has(conversation)) return;
    this.#pending.delete(conversation);
    let sent = false;
    let late = false;
    // Through a promise, so that "offline" (connection() throws) is a rejection handled below.
    const sending = Promise.resolve()
      .then(() => this.connection().request({ t: 'receipt', conversation, delivered: seq }))
      .then(
        (reply) => {
          sent = true;
          this.#confirmed.set(conversation, Math.max(this.#confirmed.get(conversation) ?? 0, reply.deliveredSeq));
        },
        (error: unknown) => {
          // Refused by the server for good (the user was never a member): nothing a retry could
          // change, and the sender only misses a mark. Anything else (offline, connection lost,
          // timeout, rate limited): keep the seq for the next flush.
          if (error instanceof RequestFailedError && error.code !== 'rate_limited') return;
          if (seq > (this.#pending.get(conversation) ?? 0)) this.#pending.set(conversation, seq);
          // A deadline on a connection still up (a slow server): no reconnect will flush it again.
          late = error instanceof RequestTimeoutError;
        },
      )
      .finally(() => {
        this.#inFlight.delete(conversation);
        // What was noted while this one was on its way.
        if (sent || late) this.#send(conversation);
      });
    this.#inFlight.set(conversation, sending);
  }
}
