import type { ChatStore, ConversationId, MessageRecord, UserId } from '../../store/chat-store.js';
import type { Logger } from '../../util/logger.js';

/** What a feed needs of its session. */
export interface FeedSink {
  deliver(message: MessageRecord): void;
  /** Resolves when the connection has room for more (backpressure for catch-up). */
  writable(): Promise<void>;
  readonly open: boolean;
}

/** A member's window in a conversation: they see `joinedSeq < seq <= leftSeq` (no end while null). */
export interface FeedWindow {
  readonly userId: UserId;
  readonly joinedSeq: number;
  readonly leftSeq: number | null;
}

/** Rows fetched per catch-up query. */
export const FEED_PAGE_SIZE = 500;

/**
 * Delivers one conversation to one session exactly once and in order (protocol.md § Delivery).
 * `cursor` is the last seq the session has; a committed message that is next in line is pushed at
 * once, and anything else (a gap after a reconnect, a message this node heard of out of order) is
 * filled from the database, page by page, honouring the connection's backpressure. Messages outside
 * the member's window (before they joined, after they left) are never delivered.
 *
 * The window given by the caller may be stale: membership is cached per node and refreshed by NOTIFY,
 * so a node can still think a member current after another node removed them. The feed therefore
 * closes the window itself at the member's own removal (or leaving) row, which it must deliver
 * before any later row (rows go out gapless and in order); that row comes from the store, so nothing
 * committed after a removal reaches the removed member whatever a cache says. Only a later window (a
 * re-add) reopens it.
 */
export class ConversationFeed {
  readonly #userId: UserId;
  #cursor: number;
  #joinedSeq: number;
  #leftSeq: number | null;
  #fetching = false;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(
    readonly conversationId: ConversationId,
    cursor: number,
    window: FeedWindow,
    private readonly store: ChatStore,
    private readonly sink: FeedSink,
    private readonly logger: Logger,
  ) {
    this.#userId = window.userId;
    this.#joinedSeq = window.joinedSeq;
    this.#leftSeq = window.leftSeq;
    this.#cursor = Math.max(cursor, window.joinedSeq);
  }

  get cursor(): number {
    return this.#cursor;
  }

  /**
   * Narrows or reopens the window after a membership change. A window older than the one the feed
   * has (a stale cache: the same join, still open, after the feed saw the removal) is ignored.
   */
  setWindow(joinedSeq: number, leftSeq: number | null): void {
    const later = joinedSeq > this.#joinedSeq || (joinedSeq === this.#joinedSeq && this.#leftSeq === null && leftSeq !== null);
    if (!later) return;
    if (joinedSeq > this.#joinedSeq) this.#cursor = Math.max(this.#cursor, joinedSeq);
    this.#joinedSeq = joinedSeq;
    this.#leftSeq = leftSeq;
  }

  /** A message just committed in this conversation. */
  offer(message: MessageRecord): void {
    if (message.seq <= this.#cursor || !this.#visible(message.seq)) return;
    if (!this.#fetching && message.seq === this.#cursor + 1) {
      this.#deliver(message);
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
    this.#running = this.#fetchLoop()
      .catch((error: unknown) => this.logger.error('catch-up failed', { conversation: this.conversationId, error: String(error) }))
      .finally(() => {
        this.#fetching = false;
        this.#running = undefined;
        if (this.#again && this.sink.open) {
          this.#again = false;
          this.catchUp();
        }
      });
  }

  /** Resolves once no catch-up is running (one asked for meanwhile included). */
  async whenIdle(): Promise<void> {
    while (this.#running) await this.#running;
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
        this.#deliver(row);
      }
      if (rows.length < FEED_PAGE_SIZE && !this.#again) return;
    }
  }

  #deliver(message: MessageRecord): void {
    this.#cursor = message.seq;
    this.sink.deliver(message);
    // The member's own removal or leaving: the last row they see in this window (see the class).
    if ((message.kind === 'member_removed' || message.kind === 'member_left') && message.subjectId === this.#userId)
      this.#leftSeq = message.seq;
  }

  #visible(seq: number): boolean {
    return seq > this.#joinedSeq && (this.#leftSeq === null || seq <= this.#leftSeq);
  }
}
