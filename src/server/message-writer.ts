import type { ChatStore, MessageRecord, SendItem, SendOutcome } from '../store/chat-store.js';
import type { Logger } from '../util/logger.js';
import { RequestError } from './errors.js';

export interface WriterOptions {
  /** Messages committed per transaction at most. @default 500 */
  readonly maxBatch?: number;
}

type Job =
  | { readonly kind: 'send'; readonly item: SendItem; readonly resolve: (o: SendOutcome) => void; readonly reject: (e: unknown) => void }
  | { readonly kind: 'exclusive'; readonly run: () => Promise<unknown>; readonly resolve: (v: unknown) => void; readonly reject: (e: unknown) => void };

/**
 * The write path (protocol.md § Delivery): group commit. Sends from every connection queue here; one
 * loop commits whatever has queued as one transaction (up to `maxBatch`), acknowledges each send only
 * after that commit, then hands the stored messages to fan-out. At low load a send is committed on the
 * next turn of the event loop, alone; under load batches grow, so throughput is not one fsync per
 * message. Membership changes run through the same loop (`exclusive`), between batches, so fan-out
 * always sees the membership that was in force when a message committed.
 */
export class MessageWriter {
  readonly #maxBatch: number;
  readonly #queue: Job[] = [];
  #running = false;
  #closed = false;
  #idle: Array<() => void> = [];

  constructor(
    private readonly store: ChatStore,
    private readonly deliver: (messages: readonly MessageRecord[]) => Promise<void>,
    private readonly logger: Logger,
    options: WriterOptions = {},
  ) {
    this.#maxBatch = options.maxBatch ?? 500;
  }

  /** Queues one message; resolves once it is committed (or found to be a resend, or refused). */
  send(item: SendItem): Promise<SendOutcome> {
    return new Promise((resolve, reject) => this.#enqueue({ kind: 'send', item, resolve, reject }));
  }

  /** Runs `run` alone, between batches, in queue order. */
  exclusive<T>(run: () => Promise<T>): Promise<T> {
    return new Promise((resolve, reject) =>
      this.#enqueue({ kind: 'exclusive', run, resolve: resolve as (v: unknown) => void, reject }),
    );
  }

  /** Refuses new work and resolves when everything queued has been committed and acknowledged. */
  close(): Promise<void> {
    this.#closed = true;
    if (!this.#running && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #enqueue(job: Job): void {
    if (this.#closed) {
      job.reject(new RequestError('shutting_down', 'the server is shutting down; retry on another connection'));
      return;
    }
    this.#queue.push(job);
    if (!this.#running) {
      this.#running = true;
      setImmediate(() => void this.#loop());
    }
  }

  async #loop(): Promise<void> {
    while (this.#queue.length > 0) {
      const first = this.#queue[0]!;
      if (first.kind === 'exclusive') {
        this.#queue.shift();
        await first.run().then(first.resolve, first.reject);
        continue;
      }
      const batch: Array<Extract<Job, { kind: 'send' }>> = [];
      while (batch.length < this.#maxBatch && this.#queue[0]?.kind === 'send') {
        batch.push(this.#queue.shift() as Extract<Job, { kind: 'send' }>);
      }
      await this.#commit(batch);
    }
    this.#running = false;
    this.#idle.splice(0).forEach((resolve) => resolve());
  }

  async #commit(batch: ReadonlyArray<Extract<Job, { kind: 'send' }>>): Promise<void> {
    let outcomes: SendOutcome[];
    try {
      outcomes = await this.store.commitMessages(batch.map((job) => job.item));
    } catch (error) {
      this.logger.error('commit failed', { messages: batch.length, error: String(error) });
      const failure = new RequestError('internal', 'the message could not be stored; resend it (same cid)', { cause: error });
      batch.forEach((job) => job.reject(failure));
      return;
    }
    batch.forEach((job, i) => job.resolve(outcomes[i]!));
    const stored = outcomes.flatMap((o) => (o.status === 'stored' ? [o.message] : []));
    try {
      if (stored.length > 0) await this.deliver(stored);
    } catch (error) {
      // Committed messages are not lost when live delivery fails: clients catch up from their cursors.
      this.logger.error('fan-out failed', { messages: stored.length, error: String(error) });
    }
  }
}
