import { processAlive, withFileLock } from './file-lock.js';
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
  /**
   * Written only by clients from before issue 15, which held a message back here when a contact's key
   * had changed and sent it once the key was trusted. Such an entry is now failed with this reason on
   * the next pass (sender.ts) and leaves the queue; nothing writes the field any more.
   */
  readonly blocked?: string;
  /** The pid of the fastchat process that sends it (outbox.ts: Outbox). */
  owner?: number;
}

const FILE = 'outbox.json';
const LOCK = 'outbox.lock';

/**
 * Messages waiting for the server, on disk so that they survive a client restart: one outbox per
 * user home, shared by every fastchat process of that user (a TUI and a `fastchat send` from a
 * script). Each change is a read-modify-write of the file under a lock file (file-lock.ts), so no
 * process drops an entry another one wrote; each change is on disk before the call resolves.
 *
 * Who sends what: an entry belongs to the process that queued it (`owner`, its pid) while that
 * process lives, and is taken over by the next process that looks (claim()) once it is gone. So two
 * live processes never both send one entry. Even if they did, it would be harmless: the server keeps
 * one row per (conversation, sender, cid) and answers a resend with the first one's ack
 * (protocol.md § send), and the envelope is sealed once and kept here, so a resend is the same bytes.
 */
export class Outbox {
  #entries: OutboxEntry[];
  /** The cids of #entries, for holds() on every entry of a long queue. */
  #cids: Set<string>;
  /** Writes and reads in order within this process; the lock orders them between processes. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly store: LocalStore,
    entries: OutboxEntry[],
  ) {
    this.#entries = entries;
    this.#cids = new Set(entries.map((e) => e.cid));
  }

  static async load(store: LocalStore): Promise<Outbox> {
    return new Outbox(store, (await store.readJson<OutboxEntry[]>(FILE)) ?? []);
  }

  /** Entries queued by every process of this user, as last read. */
  get size(): number {
    return this.#entries.length;
  }

  entries(): readonly OutboxEntry[] {
    return this.#entries;
  }

  /**
   * Entries this process sends (as last read), in the order queued: its own, and those of a process
   * that is gone, which its next claim() takes over.
   */
  sendable(): readonly OutboxEntry[] {
    return this.#entries.filter((e) => e.owner === process.pid || e.owner === undefined || !processAlive(e.owner));
  }

  /** True while the entry is queued (as last read): false once it was removed. */
  holds(cid: string): boolean {
    return this.#cids.has(cid);
  }

  /** Resolves once every change asked for before this call is on disk (or failed). */
  settled(): Promise<void> {
    return this.#queue.then(() => undefined);
  }

  /** Queues an entry owned by this process. */
  async add(entry: OutboxEntry): Promise<void> {
    await this.#change((entries) => [...entries, { ...entry, owner: process.pid }]);
  }

  async remove(cid: string): Promise<void> {
    await this.#change((entries) => entries.filter((e) => e.cid !== cid));
  }

  /** Records what sending learnt about an entry (its conversation, its envelope). */
  async update(cid: string, patch: Partial<Pick<OutboxEntry, 'conversation' | 'envelope' | 'legacy'>>): Promise<void> {
    await this.#change((entries) => entries.map((e) => (e.cid === cid ? withPatch(e, patch) : e)));
  }

  /**
   * Re-reads the file, takes over the entries whose process is gone, and returns this process's
   * entries in the order they were queued: what it should send now.
   */
  async claim(): Promise<OutboxEntry[]> {
    const mine = (entries: readonly OutboxEntry[]) => entries.filter((e) => e.owner === process.pid);
    await this.#change((entries) =>
      entries.map((e) => (e.owner === process.pid || (e.owner !== undefined && processAlive(e.owner)) ? e : { ...e, owner: process.pid })),
    );
    return mine(this.#entries).map((e) => ({ ...e }));
  }

  /**
   * Seals every queued message's content again with `reseal` (a password change), whichever process
   * queued it, in one locked read-modify-write.
   */
  async reseal(reseal: (sealedContent: string) => string): Promise<void> {
    await this.#change((entries) => entries.map((e) => ({ ...e, sealedContent: reseal(e.sealedContent) })));
  }

  #change(change: (entries: readonly OutboxEntry[]) => OutboxEntry[]): Promise<void> {
    const run = this.#queue.then(async () => {
      await this.store.ensureDir();
      await withFileLock(this.store.path(LOCK), async () => {
        const current = (await this.store.readJson<OutboxEntry[]>(FILE)) ?? [];
        const next = change(current);
        // Unchanged (a claim with nothing to take over): no write.
        if (JSON.stringify(next) !== JSON.stringify(current)) await this.store.writeJson(FILE, next);
        this.#entries = next;
        this.#cids = new Set(next.map((e) => e.cid));
      });
    });
    // The next change runs after this one whatever its outcome; this caller still sees the failure.
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

function withPatch(entry: OutboxEntry, patch: Partial<OutboxEntry>): OutboxEntry {
  const next: Record<string, unknown> = { ...entry, ...patch };
  for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key];
  return next as unknown as OutboxEntry;
}
