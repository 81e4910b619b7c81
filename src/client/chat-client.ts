import { randomUUID, type KeyObject } from 'node:crypto';
import { encodeContent, openLocal, sealLocal, fingerprint, fingerprintOf, isLegacyText } from '../crypto/index.js';
import type { ConversationView, SessionView, UserView } from '../protocol/index.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from '../util/backoff.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { logIn, logInAgain, signUp, type AccountKeySource, type Identity, type Progress, type ResumeToken } from './account.js';
import { ClientState } from './client-state.js';
import { connectToNode, type ClientTls, type ServerAddress } from './connect.js';
import {
  blankMessageRefusal,
  ConnectionClosedError,
  legacyTextRefusal,
  OfflineError,
  RequestFailedError,
  tooLongRefusal,
} from './errors.js';
import { messageTooLong } from './message-limit.js';
import { ReplayGuard } from './replay-guard.js';
import { Keyring } from './keyring.js';
import { LocalStore } from './local-store.js';
import { MessageReader, type ChatMessage } from './message-reader.js';
import { Outbox } from './outbox.js';
import { changePassword } from './password-change.js';
import { replaceIdentityKey } from './key-change.js';
import { ReconnectDelays } from './reconnect-delays.js';
import type { RpcConnection } from './rpc-connection.js';
import { Sender, type SendReceipt } from './sender.js';
import { findSessionKeyCarrier } from './session-key-search.js';
import { findGroupByName, findUserByName } from './directory.js';
import type { ClientEvents, ClientStatus } from './client-events.js';
import { Inbox } from './inbox.js';
import { historyPage } from './history-page.js';

export type { ClientEvents, ClientStatus } from './client-events.js';

export interface ChatClientOptions {
  readonly coordinator: ServerAddress;
  /** Folder for keys and state (one subfolder per user). */
  readonly home: string;
  readonly name: string;
  readonly password: string;
  readonly mode: 'signup' | 'login';
  readonly progress?: Progress;
  /** @default DEFAULT_BACKOFF */
  readonly backoff?: BackoffOptions;
  /** Deadline of connecting and of each request. @default 10000 */
  readonly timeoutMs?: number;
  /** Reach the server over TLS, trusting it by CA or by pinned certificate; absent: plain TCP. */
  readonly tls?: ClientTls | undefined;
  /** Where new key pairs come from (signup; a login's legacy pair). @default GENERATED_KEYS (made on this machine) */
  readonly keys?: AccountKeySource;
}

/** How long closing waits for its `logout` (#logOut) before it closes anyway. */
const LOGOUT_WAIT_MS = 2000;

/**
 * Connection-level errors after which the client does not reconnect: the user ended this session
 * from another one, or changed the password (protocol.md § sessions).
 */
const FINAL_CLOSE_CODES: ReadonlySet<string> = new Set(['session_ended']);

/**
 * Refusals of logging in again that trying later cannot get past: the secret this client holds is no
 * longer the password (changed from another session), or the session was ended meanwhile.
 */
const FINAL_LOGIN_CODES: ReadonlySet<string> = new Set(['bad_credentials', 'session_ended']);

/**
 * The headless client that both the TUI and the scriptable commands use. It keeps one connection
 * through the coordinator, logs in, syncs from its cursors, decrypts what arrives, and sends through
 * an on-disk outbox. When the connection drops it reconnects on its own (one loop, exponential
 * backoff with jitter), logs in again (with its resume token), resumes from its cursors and resends
 * what was not acknowledged.
 */
export class ChatClient extends TypedEmitter<ClientEvents> {
  #rpc: RpcConnection | undefined;
  /** The logged-in connection open() made, until start() takes it into use. */
  #pending: RpcConnection | undefined;
  /** Logs reconnections in without the secret; set from the login or signup reply. */
  #resume: ResumeToken = { token: undefined };
  #status: ClientStatus = { state: 'connecting' };
  #closing = false;
  #closed: Promise<void> | undefined;

  private constructor(
    private readonly options: ChatClientOptions,
    private readonly local: LocalStore,
    readonly identity: Identity,
    readonly state: ClientState,
    readonly keyring: Keyring,
    readonly outbox: Outbox,
    private readonly reader: MessageReader,
    private readonly sender: Sender,
    private readonly inbox: Inbox,
  ) {
    super();
  }

  /** The conversations as the server last described them, by id. */
  get conversations(): Map<number, ConversationView> {
    return this.inbox.conversations;
  }

  /**
   * Connects and signs up or logs in. Rejects with a typed error when any step fails. Nothing is
   * received until `start()`, so listeners can be attached first.
   */
  static async open(options: ChatClientOptions): Promise<ChatClient> {
    const progress = options.progress ?? (() => undefined);
    const local = new LocalStore(options.home, options.name);
    const { rpc } = await connectToNode({ coordinator: options.coordinator, timeoutMs: options.timeoutMs ?? 10_000, tls: options.tls });
    try {
      const { identity, resume } =
        options.mode === 'signup'
          ? await signUp(rpc, local, options.name, options.password, progress, options.keys)
          : await logIn(rpc, local, options.name, options.password, progress, options.keys);
      const state = await ClientState.load(local, identity.localKey, identity.user.id);
      const outbox = await Outbox.load(local);
      // Made below, once its parts are: `online` runs only after that.
      let client: ChatClient | undefined;
      const online = (): RpcConnection => {
        if (!client) throw new ConnectionClosedError('the client is still starting');
        return client.connection();
      };
      const keyring = new Keyring(state, async (ids) => (await online().request({ t: 'users', ids })).users);
      keyring.learn(identity.user);
      const reader = new MessageReader(
        identity.user.id,
        [identity.privateKey, ...identity.retiredKeys],
        keyring,
        async (c, s, id, before) => findSessionKeyCarrier(online(), c, s, id, before),
        identity.legacyKey,
        new ReplayGuard(state),
      );
      const inbox = new Inbox(
        state,
        identity.user.id,
        reader,
        online,
        (event, ...args) => client!.emit(event, ...args),
        async (ids) => {
          // Only for naming: a failed lookup leaves `user#id`, and the refusal stands either way.
          await keyring.refresh(ids).catch(() => undefined);
          return ids.map((id) => client!.nameOf(id));
        },
      );
      const sender = new Sender(identity, state, keyring, outbox, (conversation) => inbox.members(conversation), online);
      client = new ChatClient(options, local, identity, state, keyring, outbox, reader, sender, inbox);
      sender.onOutcome((outcome) => (outcome.ok ? client.emit('sent', outcome.receipt) : client.emit('failed', outcome.failure)));
      client.on('keys', (user) => {
        if (user.publicKey && !identity.publicKeyDer.equals(user.publicKey))
          client.emit('ownKeyChanged', { fingerprint: fingerprint(user.publicKey) });
      });
      client.#pending = rpc;
      client.#resume = resume;
      return client;
    } catch (error) {
      rpc.close();
      throw error;
    }
  }

  /** Starts receiving: syncs from the cursors, resends the outbox, and keeps the connection up from then on. */
  async start(): Promise<void> {
    const rpc = this.#pending;
    if (!rpc) throw new Error('start() was already called');
    this.#pending = undefined;
    await this.#attach(rpc);
  }

  get status(): ClientStatus {
    return this.#status;
  }

  get user(): UserView {
    return this.identity.user;
  }

  /**
   * Queues `text` for a user's direct conversation or a conversation; resolves once it is on disk.
   * Refused before anything is queued (SendError): blank text (`blank_message`), and text over what
   * one message holds (`message_too_long`), which the server would refuse for good.
   */
  async send(target: { user: number } | { conversation: number }, text: string): Promise<{ cid: string; acked: Promise<SendReceipt> }> {
    if (text.trim() === '') throw blankMessageRefusal();
    const tooLong = messageTooLong(text);
    if (tooLong) throw tooLongRefusal(tooLong);
    this.#checkLegacyText(target, text);
    const cid = randomUUID();
    const content = encodeContent({ text, sentAt: Date.now() });
    const sealedContent = sealLocal(this.identity.localKey, content).toString('base64');
    const acked = this.sender.waitFor(cid);
    // Callers that do not wait for the ack must not crash the process when it fails.
    acked.catch(() => undefined);
    await this.outbox.add({
      cid,
      ...('user' in target ? { to: target.user } : { conversation: target.conversation }),
      sealedContent,
      createdAt: Date.now(),
    });
    if (this.#rpc) this.sender.flush();
    return { cid, acked };
  }

  /**
   * Refuses at once, when the client already knows a legacy member is among the recipients, text the
   * legacy scheme cannot carry (not ASCII). Long text is split into several legacy messages instead
   * (sender.ts). The sender checks again when it seals, for recipients it learns of later.
   */
  #checkLegacyText(target: { user: number } | { conversation: number }, text: string): void {
    const ids = 'user' in target ? [target.user] : (this.conversations.get(target.conversation)?.members.map((m) => m.user) ?? []);
    const legacy = this.keyring.legacyOf(ids);
    if (legacy.size > 0 && !isLegacyText(text)) throw legacyTextRefusal([...legacy.values()].map((c) => c.name));
  }

  /** The user with this name (any letter case), or a `not_found` error. */
  async findUser(name: string): Promise<UserView> {
    return findUserByName(this.connection(), this.keyring, name);
  }

  /** The group with this name (or `name#id`) that the user is in, or a `not_found` / ambiguity error. */
  findGroup(name: string): ConversationView {
    return findGroupByName(this.conversations.values(), name, (id) => this.nameOf(id));
  }

  /** A user's name, as far as the client knows it. */
  nameOf(userId: number): string {
    if (userId === this.identity.user.id) return this.identity.user.name;
    return this.keyring.nameOf(userId) ?? `user#${userId}`;
  }

  /** Resolves once every conversation is read up to where it stood at the last sync (the backlog is in). */
  caughtUp(): Promise<void> {
    return this.inbox.backlog.caughtUp();
  }

  /** Rows still to come from the backlog of the last sync. */
  get backlog(): number {
    return this.inbox.backlog.remaining;
  }

  /** The rows of the last sync's backlog in all (`backlog` counts down from it). */
  get backlogTotal(): number {
    return this.inbox.backlog.total;
  }

  /**
   * Accepts a contact's current (changed) key after the person checked it. Nothing is resent: the
   * messages that met the changed key failed (sender.ts) and the user sends them again (Ctrl-R).
   */
  async trust(userId: number): Promise<void> {
    await this.keyring.refresh([userId]);
    // The next message to them starts a new session, wrapped for the accepted key (sender.ts).
    if (!this.keyring.trust(userId)) throw new RequestFailedError('not_found', `${this.nameOf(userId)} has published no key`);
    await this.state.flush();
  }

  /**
   * Accepts a group member the client never saw added (a send to the group failed
   * `untrusted_members` naming them), after the user checked they belong there: the next messages
   * are encrypted to them too.
   */
  async acceptMember(conversation: number, userId: number): Promise<void> {
    const view = this.conversations.get(conversation);
    if (!view) throw new RequestFailedError('not_found', `no conversation ${conversation}`);
    this.inbox.roster.accept(view, userId);
    await this.state.flush();
  }

  /** The plaintext of a queued message, for showing the outbox. */
  queuedText(sealedContent: string): string {
    return openLocal(this.identity.localKey, Buffer.from(sealedContent, 'base64')).toString('utf8');
  }

  /** A page of older rows, decrypted (cursors are not moved). */
  async history(conversation: number, before?: number, limit = 50): Promise<ChatMessage[]> {
    const messages = await historyPage(this.connection(), conversation, before, limit);
    const out: ChatMessage[] = [];
    for (const row of messages) if (!this.reader.isForOthers(row)) out.push(await this.reader.read(row));
    return out;
  }

  /**
   * One request on the live connection. While offline it is a promise rejected with OfflineError,
   * never a synchronous throw: the TUI calls it from timers and key handlers that only `.catch()`.
   */
  request: RpcConnection['request'] = (body, options) =>
    this.#rpc ? this.#rpc.request(body, options) : Promise.reject(new OfflineError());

  /** Tells the server (and so the senders) what has been read. */
  /**
   * Adds a member to a group or removes one, in order with the messages this client sends there
   * (Sender.changingMembers): after those queued before it are stored, before those queued while it
   * is on its way, which are sealed for the members it makes.
   */
  async changeMembers(change: 'group_add' | 'group_remove', conversation: number, user: number): Promise<{ seq: number }> {
    return this.sender.changingMembers(conversation, async () => {
      const { seq } = await this.request({ t: change, conversation, user });
      return { seq };
    });
  }

  /** From now on `userId` cannot send this user direct messages nor put them into a group. */
  async block(userId: number): Promise<void> {
    await this.connection().request({ t: 'block', user: userId });
  }

  async unblock(userId: number): Promise<void> {
    await this.connection().request({ t: 'unblock', user: userId });
  }

  /** The users this user blocked, oldest block first (names from the directory). */
  async blocked(): Promise<UserView[]> {
    const { users: ids } = await this.connection().request({ t: 'blocks' });
    if (ids.length === 0) return [];
    const { users } = await this.connection().request({ t: 'users', ids });
    const byId = new Map(users.map((user) => [user.id, user]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** The user's sessions (resume tokens), newest first; `current` is this client's. */
  async sessions(): Promise<readonly SessionView[]> {
    return (await this.connection().request({ t: 'sessions' })).sessions;
  }

  /** Ends another of the user's sessions, wherever its connection is. */
  async endSession(session: number): Promise<void> {
    await this.connection().request({ t: 'end_session', session });
  }

  /**
   * Changes the password, ending every other session of the user (password-change.ts), and seals this
   * machine's secrets under the new one. With `currentPassword`, the server checks that one rather
   * than the password this process logged in with. @throws WrongPasswordError
   */
  async changePassword(newPassword: string, currentPassword?: string): Promise<void> {
    await changePassword(
      this.connection(),
      this.identity,
      this.#resume,
      { local: this.local, state: this.state, outbox: this.outbox },
      { newPassword, currentPassword },
    );
  }

  /**
   * Makes `next` the user's identity key (`fastchat keys new`, `keys import`): signed by the key in
   * use, proven by `password`, published and saved here; earlier keys stay in the backup to read
   * with. Contacts are told the key changed. This client was opened with the old key and keeps
   * signing with it, so it is closed: open the account again to go on with the new one. Returns the
   * fingerprints before and after (the same when `next` is the key in use).
   */
  async replaceIdentityKey(next: KeyObject, password: string): Promise<{ readonly before: string; readonly after: string }> {
    const before = this.identity.fingerprint;
    try {
      await replaceIdentityKey(this.connection(), this.local, this.identity, next, password);
    } finally {
      await this.close();
    }
    return { before, after: fingerprintOf(next) };
  }

  async markRead(conversation: number, seq: number): Promise<void> {
    await this.connection().request({ t: 'receipt', conversation, read: seq });
  }

  /**
   * Closes the connection. What is being sent gets up to `drainMs` for its ack first, so a short-lived
   * command that took over queued messages (outbox.ts) sees them out rather than cutting them off.
   * Closing again waits for the first close.
   */
  close(drainMs = 2000): Promise<void> {
    this.#closed ??= this.#close(drainMs);
    return this.#closed;
  }

  async #close(drainMs: number): Promise<void> {
    if (this.#rpc) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.sender.idle(), new Promise((resolve) => (timer = setTimeout(resolve, drainMs)))]);
      clearTimeout(timer);
    }
    this.#closing = true;
    this.sender.stop();
    await this.#logOut();
    this.#rpc?.close();
    this.#pending?.close();
    await this.inbox.settled();
    await this.state.close();
    this.#setStatus({ state: 'closed' });
  }

  /**
   * Revokes this client's resume token on the way out (best effort, briefly): it lives only in this
   * process's memory, so once the process is gone it could serve only someone who captured it, and it
   * would sit in the user's list of sessions for 30 days.
   */
  async #logOut(): Promise<void> {
    const rpc = this.#rpc ?? this.#pending;
    if (!rpc || !this.#resume.token) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      rpc.request({ t: 'logout' }).catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, LOGOUT_WAIT_MS))),
    ]);
    clearTimeout(timer);
  }

  /**
   * The live connection; throws OfflineError while offline. Only for code that handles the throw
   * (async functions, where it becomes a rejection); the rest use request().
   */
  connection(): RpcConnection {
    if (!this.#rpc) throw new OfflineError();
    return this.#rpc;
  }

  /** Takes a logged-in connection into use: sync, resend, and watch for it to drop. */
  async #attach(rpc: RpcConnection): Promise<void> {
    rpc.onPush((push) => this.inbox.onPush(push));
    // Online before sync: the backlog that follows the sync reply may need requests (keys, history).
    this.#rpc = rpc;
    const cursors = this.state.cursors();
    const { conversations } = await rpc.request({ t: 'sync', cursors });
    this.inbox.synced(conversations, new Set(cursors.map(([conversation]) => conversation)));
    this.inbox.delivered.resume(conversations, (c) => this.state.cursor(c));
    this.#setStatus({ state: 'connected', node: { host: rpc.address.replace(/:\d+$/, ''), port: Number(rpc.address.split(':').pop()) } });
    this.sender.flush();
    this.inbox.delivered.flush();
    void rpc.closed.then((reason) => this.#lost(rpc, reason));
  }

  #lost(rpc: RpcConnection, reason: Error): void {
    if (this.#rpc !== rpc) return;
    this.#rpc = undefined;
    // A connection-level error frame before the close (rpc-connection.ts) names why: `shutting_down` is a server restarting.
    const code = reason instanceof RequestFailedError ? reason.code : undefined;
    if (this.#closing) return;
    if (code !== undefined && FINAL_CLOSE_CODES.has(code)) return this.#end(code, reason.message);
    void this.#reconnect(reason.message, code);
  }

  /** Stops for good: no reconnect, nothing sent; what is queued stays on disk for the next login. */
  #end(code: string, reason: string): void {
    this.#closing = true;
    this.sender.stop();
    this.#setStatus({ state: 'ended', code, reason });
  }

  /**
   * The one reconnect loop: through the coordinator every time (never straight back to the node that
   * was lost), with backoff and jitter, until it works or the client closes. It logs in with the resume
   * token when it has one, so that a thousand clients coming back at once cost the server lookups, not
   * a thousand scrypts (account.ts logInAgain). A node the coordinator
   * names but that does not answer (one that just died) is retried soon, through the coordinator
   * again (reconnect-delays.ts).
   */
  async #reconnect(reason: string, code: string | undefined): Promise<void> {
    const delays = new ReconnectDelays(this.options.backoff ?? DEFAULT_BACKOFF);
    let delayMs = delays.first();
    for (let attempt = 1; !this.#closing; attempt++) {
      // The server's own reason (a restart) stays the story until it is back: the failed attempts meanwhile are its consequence.
      this.#setStatus({
        state: 'reconnecting',
        attempt,
        delayMs,
        nextAttemptAt: Date.now() + delayMs,
        reason,
        ...(code === undefined ? {} : { code }),
      });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (this.#closing) return;
      try {
        const { rpc } = await connectToNode({
          coordinator: this.options.coordinator,
          timeoutMs: this.options.timeoutMs ?? 10_000,
          tls: this.options.tls,
        });
        try {
          await logInAgain(rpc, this.identity, this.#resume);
          // Closed while this connection was being made (close() had none to close): it must not
          // come to life now, receive and write state behind the back of whoever closed it.
          if (this.#closing) {
            rpc.close();
            return;
          }
          await this.#attach(rpc);
          return;
        } catch (error) {
          rpc.close();
          // #attach takes the connection into use before its sync: offline again, not on a closed one.
          if (this.#rpc === rpc) this.#rpc = undefined;
          throw error;
        }
      } catch (error) {
        // The password was changed elsewhere (the secret this client holds is refused), or the session was ended.
        if (error instanceof RequestFailedError && FINAL_LOGIN_CODES.has(error.code)) {
          return this.#end(error.code, error.code === 'bad_credentials' ? 'your password was changed from another session' : error.message);
        }
        reason = error instanceof Error ? error.message : String(error);
        delayMs = delays.after(error);
      }
    }
  }

  #setStatus(status: ClientStatus): void {
    this.#status = status;
    this.emit('status', status);
  }
}
