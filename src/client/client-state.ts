import { LocalSealError, openLocal, sealLocal } from '../crypto/index.js';
import type { LocalStore } from './local-store.js';

/** A contact's key as first seen (trust on first use), or as accepted later with `keys trust`. */
export interface PinnedKey {
  readonly name: string;
  readonly fingerprint: string;
  /** SPKI DER, base64. */
  readonly key: string;
}

/** An outbound sender-key session as kept on disk (inside the sealed part). */
export interface StoredSession {
  readonly id: string;
  readonly key: string;
  index: number;
  readonly recipients: readonly number[];
  readonly createdAt: number;
  /** Each recipient's key fingerprint when the session key was wrapped for them. */
  readonly fingerprints?: Readonly<Record<string, string>>;
  /** Each recipient's `joinedSeq` (protocol.md § Shapes) then: a re-added member needs a new session. */
  readonly joined?: Readonly<Record<string, number>>;
}

/** The latest message read of one sender session: its index in the session and its seq (replay-guard.ts). */
export interface SessionMark {
  readonly index: number;
  readonly seq: number;
}

/** A member as the roster knows them: in since the row after `joinedSeq`, or gone at `leftSeq`. */
export type RosterEntry = { readonly joinedSeq: number } | { readonly leftSeq: number };

/** A group's members as this client has seen them come in (group-roster.ts). */
export interface StoredRoster {
  /** The user's own joinedSeq when the roster was begun: a new window begins a new roster. */
  readonly joinedSeq: number;
  readonly members: Readonly<Record<string, RosterEntry>>;
}

/** Session marks kept at most; the oldest are dropped first (replay-guard.ts says what that costs). */
export const MAX_SESSION_MARKS = 4096;

interface StateFile {
  readonly version: 1;
  userId: number;
  /** Last seq processed per conversation id. */
  cursors: Record<string, number>;
  /** Per `conversation:sender:session`, the latest message read of that sender session. */
  marks?: Record<string, SessionMark>;
  /** Per group conversation id, the members seen come in (group-roster.ts). */
  rosters?: Record<string, StoredRoster>;
  /** Pinned keys per user id. */
  pins: Record<string, PinnedKey>;
  /** Outbound sessions per conversation id, sealed with the local key (base64). */
  sealedSessions?: string;
}

const FILE = 'state.json';

/**
 * The client's durable state: where it is in each conversation, whose keys it trusts, and its
 * outbound sessions. Saves are coalesced: many changes in a burst become one write.
 */
export class ClientState {
  #file: StateFile;
  #sessions: Record<string, StoredSession>;
  #saving: Promise<void> | undefined;
  #dirty = false;
  #closed = false;

  #localKey: Uint8Array;

  private constructor(
    private readonly store: LocalStore,
    localKey: Uint8Array,
    file: StateFile,
    sessions: Record<string, StoredSession>,
  ) {
    this.#localKey = localKey;
    this.#file = file;
    this.#sessions = sessions;
  }

  static async load(store: LocalStore, localKey: Uint8Array, userId: number): Promise<ClientState> {
    const file = await store.readJson<StateFile>(FILE);
    if (!file || file.userId !== userId) {
      return new ClientState(store, localKey, { version: 1, userId, cursors: {}, pins: {} }, {});
    }
    return new ClientState(store, localKey, file, openSessions(localKey, file.sealedSessions));
  }

  /**
   * Seals the outbound sessions under `localKey` from now on (a password change) and writes them so
   * at once: the file never stays sealed under a key the user no longer has.
   */
  async rekey(localKey: Uint8Array): Promise<void> {
    this.#localKey = localKey;
    this.#dirty = true;
    await this.#write();
  }

  cursor(conversationId: number): number {
    return this.#file.cursors[conversationId] ?? 0;
  }

  cursors(): Array<[number, number]> {
    return Object.entries(this.#file.cursors).map(([id, seq]) => [Number(id), seq]);
  }

  /** Records that `seq` was processed; never moves backwards. */
  advance(conversationId: number, seq: number): void {
    if (seq <= this.cursor(conversationId)) return;
    this.#file.cursors[conversationId] = seq;
    this.#changed();
  }

  sessionMark(key: string): SessionMark | undefined {
    return this.#file.marks?.[key];
  }

  /** Records a session's latest message; past MAX_SESSION_MARKS the oldest mark is dropped. */
  setSessionMark(key: string, mark: SessionMark): void {
    const marks = (this.#file.marks ??= {});
    delete marks[key]; // re-inserted last: the newest
    marks[key] = mark;
    const keys = Object.keys(marks);
    for (let i = 0; i < keys.length - MAX_SESSION_MARKS; i++) delete marks[keys[i]!];
    this.#changed();
  }

  roster(conversationId: number): StoredRoster | undefined {
    return this.#file.rosters?.[conversationId];
  }

  setRoster(conversationId: number, roster: StoredRoster): void {
    (this.#file.rosters ??= {})[conversationId] = roster;
    this.#changed();
  }

  pin(userId: number): PinnedKey | undefined {
    return this.#file.pins[userId];
  }

  setPin(userId: number, pin: PinnedKey): void {
    this.#file.pins[userId] = pin;
    this.#changed();
  }

  session(conversationId: number): StoredSession | undefined {
    return this.#sessions[conversationId];
  }

  setSession(conversationId: number, session: StoredSession): void {
    this.#sessions[conversationId] = session;
    this.#changed();
  }

  /** Marks a change (such as a session's index moving) for the next save. */
  touch(): void {
    this.#changed();
  }

  /** Writes now if anything changed; resolves when what was changed before the call is on disk. */
  async flush(): Promise<void> {
    if (this.#closed) return;
    await this.#write();
  }

  /**
   * Writes what changed, for the last time: a change after this (a reply that was still on its way)
   * is not written, so a closed client never writes over the file that a later process of the same
   * user has written since, nor makes the folder again after someone removed it.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#write();
  }

  async #write(): Promise<void> {
    while (this.#saving) await this.#saving;
    if (!this.#dirty) return;
    this.#dirty = false;
    const sealed = sealLocal(this.#localKey, Buffer.from(JSON.stringify(this.#sessions)));
    this.#saving = this.store.writeJson(FILE, { ...this.#file, sealedSessions: sealed.toString('base64') });
    try {
      await this.#saving;
    } finally {
      this.#saving = undefined;
    }
  }

  #changed(): void {
    this.#dirty = true;
    if (this.#closed) return;
    // Coalesce a burst of changes (a backlog being read) into one write shortly after.
    // A failed background save stays dirty: the next change or the flush() at close retries it and reports it.
    setTimeout(() => void this.flush().catch(() => (this.#dirty = true)), 50).unref();
  }
}

/**
 * The outbound sessions of the file. Sealed under another key — a password change this machine did
 * not finish, or made by a process that was then cut off — they are dropped: new sessions replace
 * them at the next send, and cursors and pinned keys, which are not sealed, stay.
 */
function openSessions(localKey: Uint8Array, sealed: string | undefined): Record<string, StoredSession> {
  if (!sealed) return {};
  try {
    return JSON.parse(openLocal(localKey, Buffer.from(sealed, 'base64')).toString('utf8')) as Record<string, StoredSession>;
  } catch (error) {
    if (error instanceof LocalSealError) return {};
    throw error;
  }
}
