import { FINAL_SEND_CODES, type ConversationView, type MessageView, type Push } from '../protocol/index.js';
import { backoffDelay, type BackoffOptions } from '../util/backoff.js';
import { Backlog } from './backlog.js';
import { DeliveryReceipts } from './delivery-receipts.js';
import { GroupRoster } from './group-roster.js';
import { historyPage } from './history-page.js';
import { fillGap } from './inbox-gap.js';
import type { ClientState } from './client-state.js';
import type { EmitClientEvent } from './client-events.js';
import type { Member } from './entry-sealer.js';
import { RequestFailedError, RequestTimeoutError, SendError } from './errors.js';
import type { MessageReader } from './message-reader.js';
import type { RpcConnection } from './rpc-connection.js';

/**
 * The receiving half of a ChatClient: the conversations as the server last described them, pushes
 * decrypted one at a time and handed on in seq order, each once (a row ahead of a hole waits while
 * history fills it), and how far the backlog of the last sync still is.
 */
export class Inbox {
  readonly conversations = new Map<number, ConversationView>();
  /** The last seq of each conversation at the latest sync, and who waits for the client to reach them. */
  readonly backlog: Backlog;
  /** Tells the senders which rows this client has (sent after each burst of rows). */
  readonly delivered: DeliveryReceipts;
  /** The group members this client has seen come in: the only ones it encrypts to. */
  readonly roster: GroupRoster;
  #decrypting: Promise<void> = Promise.resolve();
  /** Rows in a row that failed and were retried: the retry backs off while it repeats. */
  #failedInARow = 0;

  constructor(
    private readonly state: ClientState,
    /** This client's user id. */
    private readonly self: number,
    private readonly reader: MessageReader,
    /** The live connection (throws while offline). */
    private readonly connection: () => RpcConnection,
    private readonly emit: EmitClientEvent,
    /** Users' names (for refusals that name members). */
    private readonly namesOf: (userIds: readonly number[]) => Promise<string[]> = async (ids) => ids.map((id) => `user#${id}`),
  ) {
    this.backlog = new Backlog((conversation) => state.cursor(conversation));
    this.delivered = new DeliveryReceipts(connection);
    this.roster = new GroupRoster(state, self, async (conversation, seq) => {
      const [row] = await historyPage(connection(), conversation, seq + 1, 1);
      return row?.seq === seq ? row : undefined;
    });
  }

  /**
   * Takes in the conversations of a `sync` reply and where each one's backlog ends. `given`: the
   * conversations the sync named a cursor for.
   */
  synced(views: readonly ConversationView[], given: ReadonlySet<number>): void {
    for (const view of views) {
      this.conversations.set(view.conversation, view);
      this.roster.look(view);
      this.backlog.target(view.conversation, Math.max(view.lastSeq, view.joinedSeq));
      // Rows before the member's window never come: start the cursor where the window starts. For a
      // conversation the sync named no cursor for (a new device), the server starts after what the
      // user has read (protocol.md § sync): rows up to readSeq never come either, and waiting for
      // them would keep the backlog from ever reaching zero.
      this.state.advance(view.conversation, given.has(view.conversation) ? view.joinedSeq : Math.max(view.joinedSeq, view.readSeq));
    }
    this.backlog.begin();
    this.backlog.check();
  }

  /** Resolves once the rows received so far are decrypted (or dropped). */
  settled(): Promise<void> {
    return this.#decrypting;
  }

  onPush(push: Push): void {
    switch (push.t) {
      case 'msg':
        return this.#enqueue(push);
      case 'conversation': {
        const { t: _t, ...view } = push;
        this.conversations.set(view.conversation, view);
        this.roster.look(view);
        this.emit('conversation', view);
        return;
      }
      case 'presence':
        return this.emit('presence', push);
      case 'typing':
        return this.emit('typing', push);
      case 'receipt':
        return this.emit('receipt', push);
      case 'keys':
        return this.emit('keys', push.user);
      default: {
        const unreachable: never = push;
        return unreachable;
      }
    }
  }

  /** The current members of a conversation (asking the server when it is new to the client). */
  async members(conversation: number): Promise<readonly Member[]> {
    if (!this.conversations.has(conversation)) await this.#refreshConversations();
    const view = this.conversations.get(conversation);
    if (!view) throw new RequestFailedError('not_found', `no conversation ${conversation}`);
    // Left or removed: the server would refuse it (forbidden), and the members it lists are no longer ours to seal for.
    if (view.leftSeq !== undefined)
      throw new RequestFailedError(
        'forbidden',
        `you are no longer a member of ${view.name === undefined ? 'this conversation' : `#${view.name}`}`,
      );
    // A direct conversation is its two users, for good (protocol.md § open_direct): any other member
    // list is a server adding a reader the sender never chose (issue 17, finding 3), and nothing is
    // encrypted to it.
    if (view.kind === 'direct') {
      const users = new Set(view.members.map((m) => m.user));
      if (users.size !== 2 || !users.has(this.self)) {
        throw new SendError(
          'untrusted_members',
          `the server lists ${users.size} members in a direct conversation of yours, not you and one other: not sent to anyone (a server that adds readers to a private conversation is not to be trusted)`,
        );
      }
    }
    // A group member this client never saw added (nor the user accepted) is not encrypted to either.
    const members = await this.roster.check(view, this.namesOf);
    return members.map((m) => ({ user: m.user, joinedSeq: m.joinedSeq ?? 0 }));
  }

  /**
   * Queues a row behind the ones before it. A row that fails here leaves the cursor behind it: when
   * the connection dropped, the next sync delivers it again; when the server failed a request it
   * needed (a key lookup while its database restarts, a deadline) on a connection still up, it is
   * tried again after a backoff, since the row may be a conversation's last for a long time (the
   * next row would fill it in from history anyway).
   */
  #enqueue(row: Extract<Push, { t: 'msg' }>): void {
    const rpc = this.#live();
    this.#decrypting = this.#decrypting
      .then(() => this.#receive(row))
      .then(
        () => {
          this.#failedInARow = 0;
        },
        (error: unknown) => {
          if (!retryable(error) || rpc === undefined || this.#live() !== rpc) return;
          setTimeout(
            () => {
              if (this.#live() === rpc) this.#enqueue(row);
            },
            backoffDelay(++this.#failedInARow, ROW_RETRY_BACKOFF),
          ).unref();
        },
      );
    this.delivered.flushWhenIdle(this.#decrypting, () => this.#decrypting);
  }

  /** The live connection, or undefined while offline. */
  #live(): RpcConnection | undefined {
    try {
      return this.connection();
    } catch {
      return undefined;
    }
  }

  async #receive(row: Extract<Push, { t: 'msg' }>): Promise<void> {
    // The server delivers each row once per session; a reconnect can still replay what was processed.
    if (row.seq <= this.state.cursor(row.conversation)) return;
    if (!this.conversations.has(row.conversation)) await this.#refreshConversations();
    // The cursor moves only over seqs without holes: a row ahead of it (one before it failed here, or
    // a replay racing a reconnect) waits while the rows between come from history (inbox-gap.ts).
    const after = Math.max(this.state.cursor(row.conversation), this.conversations.get(row.conversation)?.joinedSeq ?? 0);
    if (row.seq > after + 1) {
      for await (const page of fillGap(this.connection, row.conversation, after, row.seq)) {
        for (const missed of page.rows) await this.#process(missed);
        this.state.advance(row.conversation, page.through);
      }
    }
    await this.#process(row);
    this.backlog.check();
  }

  /** Decrypts one row, in seq order, and hands it to the app: once, since the cursor moves past it. */
  async #process(row: MessageView): Promise<void> {
    if (row.seq <= this.state.cursor(row.conversation)) return;
    this.roster.noteEvent(row);
    if (this.reader.isForOthers(row)) {
      // Another member's legacy copy: counted as processed, never shown.
      this.state.advance(row.conversation, row.seq);
    } else {
      const message = await this.reader.read(row);
      this.state.advance(row.conversation, row.seq);
      this.emit('message', message);
    }
    this.delivered.note(row.conversation, row.seq);
  }

  async #refreshConversations(): Promise<void> {
    const { conversations } = await this.connection().request({ t: 'conversations' });
    for (const view of conversations) {
      const known = this.conversations.has(view.conversation);
      this.conversations.set(view.conversation, view);
      this.roster.look(view);
      if (!known) this.emit('conversation', view);
    }
  }
}

/** When a row whose request the server failed is read again: soon, then backing off (a database down). */
const ROW_RETRY_BACKOFF: BackoffOptions = { baseMs: 100, maxMs: 5000 };

/** A failure the server may not repeat (not a refusal for good, not the connection going). */
function retryable(error: unknown): boolean {
  if (error instanceof RequestTimeoutError) return true;
  return error instanceof RequestFailedError && !(FINAL_SEND_CODES as ReadonlySet<string>).has(error.code);
}
