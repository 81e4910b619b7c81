import type { ChatStore, ConversationId, DeliveredMark, UserId } from '../../store/chat-store.js';
import type { Logger } from '../../util/logger.js';

/** Marks written per statement at most. */
const MAX_BATCH = 1000;

/** After a failed write, the marks are tried again this much later (or with the next mark). */
const RETRY_MS = 1000;

/**
 * Delivered cursors that the server raises itself, for legacy sessions (the 2022 protocol has no
 * receipts: a row pushed is a row delivered, legacy-protocol.md § Notifications). One statement per
 * batch instead of one round trip per delivery, like the writer's group commit: marks made while a
 * batch is written are kept (the highest per user and conversation) and go in the next one.
 *
 * A mark is written a moment after the push it follows. A server killed in between loses it, and the
 * row is reported again at the user's next `start_notifications` (at least once, never lost); on this
 * node, `flushed()` first makes sure that moment has passed. A write that fails (the database away)
 * keeps its marks and is tried again.
 */
export class DeliveredCursors {
  #pending = new Map<string, DeliveredMark>();
  #writing: Promise<void> | undefined;
  #scheduled = false;
  #retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: ChatStore,
    private readonly logger: Logger,
  ) {}

  /** The user has been given everything of the conversation through `seq`. */
  mark(userId: UserId, conversationId: ConversationId, seq: number): void {
    this.#keep({ userId, conversationId, delivered: seq });
    this.#schedule();
  }

  /**
   * Resolves once every mark made before the call has been written, or tried once more and failed
   * (logged; kept for the retry).
   */
  async flushed(): Promise<void> {
    if (this.#writing) await this.#writing;
    if (this.#pending.size === 0) return;
    this.#writing ??= this.#write();
    await this.#writing;
  }

  /** Marks not yet written (for tests and metrics). */
  get pending(): number {
    return this.#pending.size;
  }

  #keep(mark: DeliveredMark): void {
    const key = `${mark.userId}:${mark.conversationId}`;
    const known = this.#pending.get(key);
    if (known === undefined || known.delivered < mark.delivered) this.#pending.set(key, mark);
  }

  #schedule(): void {
    if (this.#scheduled || this.#writing) return;
    this.#scheduled = true;
    // The rest of this turn's deliveries join the batch.
    setImmediate(() => {
      this.#scheduled = false;
      if (!this.#writing) this.#writing = this.#write();
    });
  }

  async #write(): Promise<void> {
    try {
      while (this.#pending.size > 0) {
        const batch = [...this.#pending.values()].slice(0, MAX_BATCH);
        for (const mark of batch) this.#pending.delete(`${mark.userId}:${mark.conversationId}`);
        try {
          await this.store.advanceDelivered(batch);
        } catch (error) {
          this.logger.error('writing delivered cursors failed; trying again', { marks: batch.length, error: String(error) });
          batch.forEach((mark) => this.#keep(mark));
          this.#retry ??= setTimeout(() => {
            this.#retry = undefined;
            this.#schedule();
          }, RETRY_MS).unref();
          return;
        }
      }
    } finally {
      this.#writing = undefined;
    }
  }
}
