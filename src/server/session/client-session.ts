import type { ErrorCode, Push } from '../../protocol/index.js';
import type { ConversationId, MessageRecord, UserRecord } from '../../store/chat-store.js';
import { ConversationFeed, type FeedSink } from '../delivery/conversation-feed.js';
import { RequestError } from '../errors.js';
import { SendOrder } from '../delivery/send-order.js';
import { toMessageView } from '../views.js';

/** What a session needs of its connection. */
export interface SessionTransport {
  push(push: Push): void;
  writable(): Promise<void>;
  readonly open: boolean;
  /** Closes the connection, telling the client why where its protocol can (an id-less `error`). */
  end(code: ErrorCode, message: string): void;
}

/** The resume token a session logged in with or was given: its id names it to the user, its hash revokes it. */
export interface HeldToken {
  readonly id: number;
  readonly hash: Uint8Array;
}

/**
 * The chat state of one framed connection: who is logged in, whether `hello` and `sync` happened,
 * and one feed per conversation it receives. Handlers read and change it; only they do.
 */
export class ClientSession implements FeedSink {
  #greeted = false;
  #user: UserRecord | undefined;
  #token: HeldToken | undefined;
  #synced = false;
  #cursors: ReadonlyMap<ConversationId, number> = new Map();
  /** Conversations offered a message while logged in but not yet synced (see missedBeforeSync). */
  readonly #missed = new Set<ConversationId>();
  readonly feeds = new Map<ConversationId, ConversationFeed>();
  /** The order of this connection's sends (protocol.md § Delivery, "In the order sent"). */
  readonly sendOrder = new SendOrder();

  constructor(
    private readonly transport: SessionTransport,
    readonly remoteAddress: string | undefined,
  ) {}

  get greeted(): boolean {
    return this.#greeted;
  }

  greet(): void {
    this.#greeted = true;
  }

  get user(): UserRecord | undefined {
    return this.#user;
  }

  /** The logged-in user, or a `not_logged_in` error for the request. */
  requireUser(): UserRecord {
    if (!this.#user) throw new RequestError('not_logged_in', 'log in first');
    return this.#user;
  }

  logIn(user: UserRecord): void {
    if (this.#user) throw new RequestError('already_logged_in', `already logged in as ${this.#user.name}; log out first`);
    this.#user = user;
  }

  /** The logged-in user's record changed (new keys). */
  refreshUser(user: UserRecord): void {
    if (this.#user?.id === user.id) this.#user = user;
  }

  /**
   * The session's resume token (session-endings.ts): while the user's store holds it, the session
   * lives; a session whose token is revoked, or that has none, is ended by the next change of the
   * user's sessions.
   */
  get token(): HeldToken | undefined {
    return this.#token;
  }

  holdToken(token: HeldToken | undefined): void {
    this.#token = token;
  }

  logOut(): void {
    this.#user = undefined;
    this.#token = undefined;
    this.#synced = false;
    this.#missed.clear();
    this.feeds.clear();
    this.sendOrder.forget();
  }

  /** True once `sync` has set up the feeds: from then on the session receives messages. */
  get synced(): boolean {
    return this.#synced;
  }

  /** Marks the session synced; `cursors` are what the client said it has, for conversations it meets later. */
  markSynced(cursors: ReadonlyMap<ConversationId, number>): void {
    this.#synced = true;
    this.#cursors = cursors;
  }

  /**
   * A message of this conversation was committed before the session synced. `sync` reads the
   * conversations first and only then starts receiving, so one that began in between (a first
   * message in a new direct conversation) would have no feed until its next message: `sync` opens
   * the feeds of these as well.
   */
  missedBeforeSync(conversationId: ConversationId): void {
    if (!this.#synced) this.#missed.add(conversationId);
  }

  /** The conversations missedBeforeSync recorded, forgotten as they are taken. */
  takeMissed(): ConversationId[] {
    const missed = [...this.#missed];
    this.#missed.clear();
    return missed;
  }

  /** The seq the client said it has in a conversation at sync, or 0. */
  cursorAtSync(conversationId: ConversationId): number {
    return this.#cursors.get(conversationId) ?? 0;
  }

  get open(): boolean {
    return this.transport.open;
  }

  push(push: Push): void {
    this.transport.push(push);
  }

  deliver(message: MessageRecord): void {
    this.transport.push({ t: 'msg', ...toMessageView(message) });
  }

  writable(): Promise<void> {
    return this.transport.writable();
  }

  /** Closes the connection with `code` (its logout follows the close). */
  end(code: ErrorCode, message: string): void {
    this.transport.end(code, message);
  }
}
