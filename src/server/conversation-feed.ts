import type { ChatStore, ConversationId, MessageRecord } from '../store/chat-store.js';
import type { Logger } from '../util/logger.js';

/** What a feed needs of its session. */
export interface FeedSink {
  deliver(message: MessageRecord): void;
  /** Resolves when the connection has room for more (backpressure for catch-up). */
  writable(): Promise<void>;
  readonly open: boolean;
}

/** Rows fetched per catch-up query. */
export const FEED_PAGE_SIZE = 500;

/**
 * Delivers one conversation to one session exactly once and in order (protocol.md § Delivery).
 * `cursor` is the last seq the session has; a committed message that is next in line is pushed at
 * once, and anything else (a gap after a reconnect, a message this node heard of out of order) is
 * filled from the database, page by page, honouring the connection's backpressure. Messages outside
 * the member's window (before they joined, after they left) are never delivered.
 */
export class ConversationFeed {
  #cursor: number;
  #joinedSeq: number;
  #leftSeq: number | null;
  #fetching = false;
  #again = false;

  constructor(
    readonly conversationId: ConversationId,
    cursor: number,
    window: { joinedSeq: number; leftSeq: number | null },
    private readonly store: ChatStore,
    private readonly sink: FeedSink,
    private readonly logger: Logger,
  ) {
    this.#joinedSeq = window.joinedSeq;
    this.#leftSeq = window.leftSeq;
    this.#cursor = Math.max(cursor, window.joinedSeq);
  }

  get cursor(): number {
    return this.#cursor;
  }

  /** Narrows or reopens the window after a membership change. */
  setWindow(joinedSeq: number, leftSeq: number | null): void {
    if (joinedSeq > this.#joinedSeq) this.#cursor = Math.max(this.#cursor, joinedSeq);
    this.#joinedSeq = joinedSeq;
    this.#leftSeq = leftSeq;
  }

  /** A message just committed in this conversation. */
  offer(message: MessageRecord): void {
    if (message.seq <= this.#cursor || !this.#visible(message.seq)) return;
    if (!this.#fetching && message.seq === this.#cursor + 1) {
      this.#cursor = message.seq;
      this.sink.deliver(message);
      return;
    }
    this.catchUp();
  }

  /** Fetches and delivers everything after the cursor that the member may see. */
  catchUp(): void {
    if (this.#fetching) {
      this.#again = true;
      return;
    }
    this.#fetching = true;
    this.#fetchLoop()
      .catch((error: unknown) => this.logger.error('catch-up failed', { conversation: this.conversationId, error: String(error) }))
      .finally(() => {
        this.#fetching = false;
        if (this.#again && this.sink.open) {
          this.#again = false;
          this.catchUp();
        }
      });
  }

  async #fetchLoop(): Promise<void> {
    for (;;) {
      this.#again = false;
      if (!this.sink.open || (this.#leftSeq !== null && this.#cursor >= this.#leftSeq)) return;
      await this.sink.writable();
      const rows = await this.store.messagesAfter(this.conversationId, this.#cursor, this.#leftSeq, FEED_PAGE_SIZE);
      for (const row of rows) {
        // Between rows too: a page of large messages written at once would pass the outbound limit
        // and drop the client as a slow consumer on every sync (protocol.md § Limits).
        await this.sink.writable();
        if (!this.sink.open) return;
        // Rows are gapless and ascending; a live offer may have moved the cursor meanwhile.
        if (row.seq !== this.#cursor + 1) continue;
        if (!this.#visible(row.seq)) return;
        this.#cursor = row.seq;
        this.sink.deliver(row);
      }
      if (rows.length < FEED_PAGE_SIZE && !this.#again) return;
    }
  }

  #visible(seq: number): boolean {
    return seq > this.#joinedSeq && (this.#leftSeq === null || seq <= this.#leftSeq);
  }
}
