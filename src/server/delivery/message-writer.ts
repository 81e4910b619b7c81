import { performance } from 'node:perf_hooks';
import type { ChatStore, MessageRecord, SendItem, SendOutcomeRecord } from '../../store/chat-store.js';
import type { Logger } from '../../util/logger.js';
import { RequestError } from '../errors.js';
import { conversationStream, type SendOrder } from './send-order.js';

export interface WriterOptions {
  /** Messages committed per transaction at most. @default 500 */
  readonly maxBatch?: number;
  /**
   * Batches committing at once, each on its own database connection. More than one lets a server
   * database flush one batch while the next is written; the embedded database has one connection,
   * where it would only make batches smaller. @default 1
   */
  readonly maxInFlight?: number;
  /** Told of each successful commit: sends in the batch, new messages stored, seconds in the database (metrics). */
  readonly committed?: (sends: number, stored: number, seconds: number) => void;
  /** Told of each failed commit (metrics). */
  readonly failed?: () => void;
}

/** Which connection's send a job is, and its ticket there (send-order.ts). */
export interface SendSource {
  readonly order: SendOrder;
  readonly ticket: number;
}

type SendJob = {
  readonly kind: 'send';
  readonly item: SendItem;
  readonly source: SendSource | undefined;
  readonly resolve: (o: SendOutcomeRecord) => void;
  readonly reject: (e: unknown) => void;
};
type Job =
  | SendJob
  | {
      readonly kind: 'exclusive';
      readonly run: () => Promise<unknown>;
      readonly resolve: (v: unknown) => void;
      readonly reject: (e: unknown) => void;
    };

/**
 * The write path (protocol.md § Delivery): group commit. Sends from every connection queue here; the
 * writer commits whatever has queued as one transaction (up to `maxBatch`), acknowledges each send
 * only after that commit, then hands the stored messages to fan-out. At low load a send is committed
 * on the next turn of the event loop, alone; under load batches grow, so throughput is not one fsync
 * per message. Up to `maxInFlight` batches commit at once; their fan-out runs one batch at a time,
 * in the order they committed. Membership changes run through the same queue (`exclusive`), alone,
 * after every earlier batch is committed and fanned out, so fan-out always sees the membership that
 * was in force when a message committed.
 */
export class MessageWriter {
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  readonly #committed: WriterOptions['committed'];
  readonly #failed: WriterOptions['failed'];
  #queue: Job[] = [];
  /** Batches (or one exclusive job) started and not yet finished, fan-out included. */
  #inFlight = 0;
  #exclusiveRunning = false;
  #scheduled = false;
  #closed = false;
  #idle: Array<() => void> = [];
  /** Conversations with sends in a batch still in flight, and how many such batches. */
  readonly #busy = new Map<number, number>();
  /** Fan-out of committed batches, one after the other. */
  #fanout: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ChatStore,
    private readonly deliver: (messages: readonly MessageRecord[]) => Promise<void>,
    private readonly logger: Logger,
    options: WriterOptions = {},
  ) {
    this.#maxBatch = options.maxBatch ?? 500;
    this.#maxInFlight = Math.max(1, options.maxInFlight ?? 1);
    this.#committed = options.committed;
    this.#failed = options.failed;
  }

  /**
   * Queues one message; resolves once it is committed (or found to be a resend, or refused). Queued
   * synchronously: sends keep the order of the calls. `source` names the connection it came from, so
   * that a failed commit also refuses that connection's later sends to the conversation (#commit).
   */
  send(item: SendItem, source?: SendSource): Promise<SendOutcomeRecord> {
    return new Promise((resolve, reject) => this.#enqueue({ kind: 'send', item, source, resolve, reject }));
  }

  /** Runs `run` alone, between batches, in queue order. */
  exclusive<T>(run: () => Promise<T>): Promise<T> {
    return new Promise((resolve, reject) => this.#enqueue({ kind: 'exclusive', run, resolve: resolve as (v: unknown) => void, reject }));
  }

  /** True once close() was called: the server is stopping and nothing new is stored. */
  get closing(): boolean {
    return this.#closed;
  }

  /** Refuses new work and resolves when everything queued has been committed and acknowledged. */
  close(): Promise<void> {
    this.#closed = true;
    if (this.#inFlight === 0 && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #enqueue(job: Job): void {
    if (this.#closed) {
      job.reject(shuttingDown());
      return;
    }
    this.#queue.push(job);
    // Wait for the rest of this turn of the event loop: sends that arrive together commit together.
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.#pump();
      });
    }
  }

  /** Starts what may start now: batches up to maxInFlight, or one exclusive job once all is quiet. */
  #pump(): void {
    while (this.#queue.length > 0 && !this.#exclusiveRunning) {
      const first = this.#queue[0]!;
      if (first.kind === 'exclusive') {
        if (this.#inFlight > 0) return; // runs once every earlier batch is committed and fanned out
        this.#queue.shift();
        this.#exclusiveRunning = true;
        this.#inFlight++;
        void first
          .run()
          .then(first.resolve, first.reject)
          .finally(() => {
            this.#exclusiveRunning = false;
            this.#finished();
          });
        return;
      }
      if (this.#inFlight >= this.#maxInFlight) return;
      const batch = this.#takeBatch();
      if (batch.length === 0) return; // all that is queued waits for a batch in flight
      const conversations = [...new Set(batch.map((job) => job.item.conversationId))];
      conversations.forEach((id) => this.#busy.set(id, (this.#busy.get(id) ?? 0) + 1));
      this.#inFlight++;
      void this.#commit(batch).finally(() => {
        conversations.forEach((id) => (this.#busy.get(id) === 1 ? this.#busy.delete(id) : this.#busy.set(id, this.#busy.get(id)! - 1)));
        this.#finished();
      });
    }
  }

  /**
   * The next batch: queued sends in queue order, up to the first exclusive job, leaving in the queue
   * those whose conversation is in a batch still committing. Two batches in flight take the
   * conversation's lock in either order, so a later send must not commit beside an earlier one of the
   * same conversation: that keeps each sender's messages in the order they were received
   * (protocol.md § Delivery). Other conversations' sends still commit side by side.
   */
  #takeBatch(): SendJob[] {
    const batch: SendJob[] = [];
    const left: Job[] = [];
    let i = 0;
    for (; i < this.#queue.length && batch.length < this.#maxBatch; i++) {
      const job = this.#queue[i]!;
      if (job.kind !== 'send') break;
      if (this.#busy.size > 0 && this.#busy.has(job.item.conversationId)) left.push(job);
      else batch.push(job);
    }
    // One cut for the whole batch: a splice per job moved the rest of a long queue each time.
    if (batch.length > 0) this.#queue = left.length === 0 ? this.#queue.slice(i) : left.concat(this.#queue.slice(i));
    return batch;
  }

  /**
   * Refuses the queued sends that came after a failed batch's sends on the same connection to the same
   * conversation: committed now, they would be stored before the failed ones are sent again
   * (send-order.ts). Sends without a source (legacy clients) keep their place. While the server stops
   * they are refused `shutting_down`: the connection is about to close, so no resend on it is awaited.
   */
  #refuseFollowers(failed: readonly SendJob[]): void {
    const follows = (job: Job): job is SendJob =>
      job.kind === 'send' &&
      job.source !== undefined &&
      failed.some((f) => f.source?.order === job.source!.order && f.item.conversationId === job.item.conversationId);
    const followers = this.#queue.filter(follows);
    if (followers.length === 0) return;
    const refusal = this.#closed
      ? shuttingDown()
      : new RequestError('out_of_order', 'an earlier message to this conversation was not stored; send it again first, then this one');
    for (const job of followers) {
      this.#queue.splice(this.#queue.indexOf(job), 1);
      job.reject(refusal);
    }
  }

  #finished(): void {
    this.#inFlight--;
    this.#pump();
    if (this.#inFlight === 0 && this.#queue.length === 0) this.#idle.splice(0).forEach((resolve) => resolve());
  }

  async #commit(batch: readonly SendJob[]): Promise<void> {
    let outcomes: SendOutcomeRecord[];
    // Only the database's part: queueing before it shows up in the batch size, fan-out after it elsewhere.
    const started = performance.now();
    try {
      outcomes = await this.store.commitMessages(batch.map((job) => job.item));
    } catch (error) {
      this.#failed?.();
      this.logger.error('commit failed', { messages: batch.length, error: String(error) });
      const failure = new RequestError('internal', 'the message could not be stored; resend it (same cid)', { cause: error });
      for (const job of batch)
        job.source?.order.refused(job.source.ticket, job.item.clientId, [conversationStream(job.item.conversationId)], 'internal');
      batch.forEach((job) => job.reject(failure));
      this.#refuseFollowers(batch);
      return;
    }
    this.#committed?.(batch.length, outcomes.filter((o) => o.status === 'stored').length, (performance.now() - started) / 1000);
    batch.forEach((job, i) => job.resolve(outcomes[i]!));
    // Duplicates are fanned out too: when a commit reached the database but its reply was lost (the
    // connection dropped after COMMIT), the sender was told `internal` and nothing was delivered; its
    // resend is the only chance to deliver live. Feeds drop seqs they already have, so the usual
    // duplicate (already delivered) costs nothing. Ascending seq keeps each conversation in order.
    const committed = outcomes.flatMap((o) => (o.status === 'forbidden' ? [] : [o.message]));
    if (outcomes.some((o) => o.status === 'duplicate')) committed.sort((x, y) => x.seq - y.seq);
    const stored = committed;
    if (stored.length === 0) return;
    // In commit order, one batch at a time: a feed then usually sees its seqs in order (and catches
    // up from the database when two batches of one conversation finish the other way round).
    this.#fanout = this.#fanout.then(() =>
      this.deliver(stored).catch((error: unknown) => {
        // Committed messages are not lost when live delivery fails: clients catch up from their cursors.
        this.logger.error('fan-out failed', { messages: stored.length, error: String(error) });
      }),
    );
    await this.#fanout;
  }
}

/** The answer to a send the stopping server will not store (protocol.md § Delivery, "A graceful stop"). */
export const shuttingDown = (): RequestError =>
  new RequestError('shutting_down', 'the server is shutting down; retry on another connection');
