import type { LocalStore } from './local-store.js';

/** A message written by the user and not yet acknowledged by the server. */
export interface OutboxEntry {
  readonly cid: string;
  /** Its conversation, or, for a first direct message written offline, the user it goes to. */
  conversation?: number;
  readonly to?: number;
  /** The content sealed with the local key (base64): what the user wrote never sits on disk in the clear. */
  readonly sealedContent: string;
  /** The envelope once sealed for the conversation (base64); a resend sends these same bytes. */
  envelope?: string;
  /** Legacy copies for the conversation's legacy members, sent before the envelope (base64 bodies; docs/legacy.md). */
  legacy?: string[];
  readonly createdAt: number;
  /** Why it is held back, when it cannot go out as it is (a contact's key changed); cleared by trust. */
  blocked?: string | undefined;
}

const FILE = 'outbox.json';

/**
 * Messages waiting for the server, on disk so that they survive a client restart. Each change is
 * written before the call resolves: a message the user was told is queued is on disk.
 */
export class Outbox {
  readonly #entries: OutboxEntry[];

  private constructor(
    private readonly store: LocalStore,
    entries: OutboxEntry[],
  ) {
    this.#entries = entries;
  }

  static async load(store: LocalStore): Promise<Outbox> {
    return new Outbox(store, (await store.readJson<OutboxEntry[]>(FILE)) ?? []);
  }

  get size(): number {
    return this.#entries.length;
  }

  entries(): readonly OutboxEntry[] {
    return this.#entries;
  }

  async add(entry: OutboxEntry): Promise<void> {
    this.#entries.push(entry);
    await this.save();
  }

  async remove(cid: string): Promise<void> {
    const index = this.#entries.findIndex((e) => e.cid === cid);
    if (index < 0) return;
    this.#entries.splice(index, 1);
    await this.save();
  }

  /** Writes the current entries; writes are chained so that the last one on disk is the latest. */
  save(): Promise<void> {
    const write = this.#writing.then(() => this.store.writeJson(FILE, this.#entries));
    this.#writing = write.catch(() => undefined);
    return write;
  }

  #writing: Promise<void> = Promise.resolve();
}
