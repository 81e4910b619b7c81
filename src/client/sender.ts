import { FINAL_SEND_CODES } from '../protocol/index.js';
import { backoffDelay, type BackoffOptions } from '../util/backoff.js';
import type { Identity } from './account.js';
import type { ClientState } from './client-state.js';
import { EntrySealer, type Member } from './entry-sealer.js';
import { ConnectionClosedError, LocalStateError, RequestFailedError, RequestTimeoutError, SendError } from './errors.js';
import type { Keyring } from './keyring.js';
import type { Outbox, OutboxEntry } from './outbox.js';
import type { RpcConnection } from './rpc-connection.js';

export interface SendReceipt {
  readonly cid: string;
  readonly conversation: number;
  readonly seq: number;
  readonly mid: number;
  readonly ts: number;
}

export type SendOutcome =
  | { readonly ok: true; readonly receipt: SendReceipt }
  | { readonly ok: false; readonly failure: { readonly cid: string; readonly code: string; readonly message: string } };

/** Server refusals after which resending the same message cannot succeed (protocol.md § send). */
const isFinal = (code: string): boolean => (FINAL_SEND_CODES as ReadonlySet<string>).has(code);

/** How one send of a window ended, for what the pass does once every answer is in. */
type Answer =
  /** Acknowledged, or failed for good: out of the outbox. */
  | { readonly kind: 'done' }
  /** The connection failed under it: the reconnect's pass sends it again. */
  | { readonly kind: 'lost' }
  /** Refused for now (rate_limited, out_of_order, internal, …) or unanswered in time: sent again soon. */
  | { readonly kind: 'again'; readonly code: string; readonly retryAfterMs: number | undefined };

/** A membership change under way: the entries of its conversation queued before it are not held. */
interface Hold {
  readonly conversation: number;
  readonly before: ReadonlySet<string>;
}

/** What one pass sent, on which connection, and whether anything of it was refused yet. */
interface Window {
  rpc: RpcConnection | undefined;
  readonly answers: Array<Promise<Answer>>;
  refused: boolean;
}

/** When a refusal that is not rate_limited is tried again: soon, then backing off while it repeats (a database down). */
const RETRY_BACKOFF: BackoffOptions = { baseMs: 100, maxMs: 5000 };

/**
 * Takes the outbox to the server in order: makes sure each message has its conversation, seals it
 * once (the bytes are kept, so a resend is the same message), and pipelines the sends. An ack removes
 * it from the outbox.
 *
 * Order (protocol.md § Delivery, "In the order sent"): a pass sends the entries in the order they
 * were written, on one connection, and waits for every answer before the next pass. After a refusal
 * that is not final the pass sends nothing more, and the next one (after `retryAfterMs`, or soon)
 * starts again from the first unacknowledged entry, in order: the server refuses the sends behind a
 * refused one with `out_of_order` until it comes again, so nothing overtakes it. A lost connection
 * leaves the entries for the reconnect's pass, which starts the same way.
 */
export class Sender {
  readonly #waiters = new Map<string, { resolve: (r: SendReceipt) => void; reject: (e: Error) => void }>();
  readonly #inFlight = new Set<string>();
  readonly #listeners = new Set<(outcome: SendOutcome) => void>();
  readonly #sealer: EntrySealer;
  #running = false;
  #again = false;
  #idleWaiters: Array<() => void> = [];
  /** Membership changes under way (changingMembers). */
  readonly #holds = new Set<Hold>();
  /** changingMembers() waits that end when the client closes. */
  readonly #stopWaiters = new Set<() => void>();
  #stopped = false;
  /** The next pass after a refusal. Not unref: a one-shot `fastchat send` must stay alive to retry. */
  #retry: NodeJS.Timeout | undefined;
  /** Passes in a row with a refusal (not rate_limited): the retry backs off. */
  #refusedPasses = 0;
  /** The last pass was refused for the rate: this one sends one message at a time. */
  #rateLimited = false;

  constructor(
    identity: Identity,
    state: ClientState,
    keyring: Keyring,
    private readonly outbox: Outbox,
    members: (conversation: number) => Promise<readonly Member[]>,
    private readonly online: () => RpcConnection,
  ) {
    this.#sealer = new EntrySealer(identity, state, keyring, outbox, members);
  }

  /** Resolves when the message with this cid is stored by the server; rejects when it cannot be. */
  waitFor(cid: string): Promise<SendReceipt> {
    return new Promise((resolve, reject) => this.#waiters.set(cid, { resolve, reject }));
  }

  onOutcome(listener: (outcome: SendOutcome) => void): void {
    this.#listeners.add(listener);
  }

  /**
   * Runs a membership change of the conversation (chat-client.ts: changeMembers) at its place among the
   * conversation's messages. First every message this process queued for it before has its outcome
   * (stored, or failed for good), however long that takes: they were sealed for the members of that
   * moment, and a deadline would let the change overtake them under load. Messages queued meanwhile
   * wait, unsealed, until the change is answered, and are then sealed for the members it made: typed
   * just after `/group add bob`, a line is bob's to read (found by the day journey: sealed before the
   * add and stored after it, it sat in his window unreadable). Messages another live process of this
   * user sends are not waited for (outbox.ts: it sees their outcome, this one cannot). Rejects with a
   * ConnectionClosedError, and changes nothing, when the client closes first; offline, it waits for
   * the reconnect's pass.
   */
  async changingMembers<T>(conversation: number, change: () => Promise<T>): Promise<T> {
    // A send() called before this one may still be writing its entry: it is one of the "before".
    await this.outbox.settled();
    const before = new Set(
      this.outbox
        .sendable()
        .filter((entry) => entry.conversation === conversation)
        .map((entry) => entry.cid),
    );
    const hold: Hold = { conversation, before };
    this.#holds.add(hold);
    try {
      await this.#outcomesOf(before);
      return await change();
    } finally {
      this.#holds.delete(hold);
      this.flush();
    }
  }

  /** Resolves once each of these entries has its outcome or has left the outbox; rejects if the client closes first. */
  #outcomesOf(cids: ReadonlySet<string>): Promise<void> {
    const pending = new Set(cids);
    if (pending.size === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const listener = (outcome: SendOutcome): void => {
        pending.delete(outcome.ok ? outcome.receipt.cid : outcome.failure.cid);
        // Gone from the outbox without an outcome here (another process took it over and sent it).
        for (const cid of pending) if (!this.outbox.holds(cid)) pending.delete(cid);
        if (pending.size === 0) end(resolve);
      };
      const stopped = (): void =>
        end(() => reject(new ConnectionClosedError('the client closed before the messages queued for the conversation were sent')));
      const end = (settle: () => void): void => {
        this.#listeners.delete(listener);
        this.#stopWaiters.delete(stopped);
        settle();
      };
      this.#listeners.add(listener);
      this.#stopWaiters.add(stopped);
      // A pass that ended early (the outbox lock busy) runs again only on the next flush: make sure one runs.
      this.flush();
    });
  }

  /** Queued after a membership change of its conversation began, which is not answered yet (changingMembers). */
  #held(entry: OutboxEntry): boolean {
    for (const hold of this.#holds) if (hold.conversation === entry.conversation && !hold.before.has(entry.cid)) return true;
    return false;
  }

  /** Resolves once nothing is being prepared or awaiting its ack (what was flushed has its answer). */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** No more passes: the client is closing (what is queued stays in the outbox). */
  stop(): void {
    this.#stopped = true;
    this.#stopWaiters.forEach((wake) => wake());
    clearTimeout(this.#retry);
    this.#retry = undefined;
  }

  #isIdle(): boolean {
    return !this.#running && this.#inFlight.size === 0;
  }

  #wakeIfIdle(): void {
    if (this.#isIdle()) this.#idleWaiters.splice(0).forEach((wake) => wake());
  }

  /** Sends what is waiting, if connected. Safe to call often: one pass at a time. */
  flush(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#running = true;
    void this.#pass().finally(() => {
      this.#running = false;
      if (this.#again) {
        this.#again = false;
        this.flush();
      }
      this.#wakeIfIdle();
    });
  }

  /** One pass: sends the entries in order, then waits for every answer and plans the next pass. */
  async #pass(): Promise<void> {
    let entries: OutboxEntry[];
    try {
      entries = await this.outbox.claim();
    } catch (error) {
      // The outbox lock stayed busy past its deadline (another process hung holding it): the entries
      // are on disk, and the next flush (the next send, the next reconnect) tries again.
      if (error instanceof LocalStateError) return;
      throw error;
    }
    const window: Window = { rpc: undefined, answers: [], refused: false };
    await this.#sendInOrder(entries, window);
    this.#afterWindow(window, await Promise.all(window.answers));
  }

  async #sendInOrder(entries: readonly OutboxEntry[], window: Window): Promise<void> {
    for (const entry of entries) {
      // Something of this pass was refused: the rest go again after it, in order, in the next pass.
      if (window.refused) return;
      // Out already, or acked and gone while this pass waited on an entry before it (sending it
      // again would get a re-ack, and a second outcome for one message).
      if (this.#inFlight.has(entry.cid) || !this.outbox.holds(entry.cid)) continue;
      if (entry.blocked !== undefined) {
        // Held back for a changed key by a client from before issue 15, which would have sent it once
        // the key was trusted: it fails instead (offline too: it needs no server), like a message that
        // meets a changed key now.
        await this.#fail(entry.cid, 'key_changed', typeof entry.blocked === 'string' ? entry.blocked : LEGACY_HELD_REASON);
        continue;
      }
      // Its conversation's membership is changing: it waits, in order with what follows, for the change's
      // answer, whose flush starts a new pass that seals it for the new members.
      if (this.#held(entry)) return;
      let rpc: RpcConnection;
      try {
        rpc = this.online();
      } catch {
        // Offline: the reconnect flushes again.
        return;
      }
      // One pass, one connection: when it changed under us (a reconnect during an await), what went
      // out on the old one may still be lost, and sending the rest on the new one would overtake it.
      // The reconnect's flush starts a new pass from the first unacknowledged entry, in order.
      window.rpc ??= rpc;
      if (rpc !== window.rpc) return;
      try {
        await this.#sealer.prepare(rpc, entry);
      } catch (error) {
        if ((error instanceof RequestFailedError && !isFinal(error.code)) || error instanceof RequestTimeoutError) {
          // The server could not find or make its conversation now, or not in time (a slow server, the
          // connection still up: no reconnect will flush): the pass ends here and comes again.
          const retryAfterMs = error instanceof RequestFailedError ? error.retryAfterMs : undefined;
          window.answers.push(Promise.resolve({ kind: 'again', code: String(error.code), retryAfterMs }));
          return;
        }
        if (isTransient(error)) return;
        // Refused for good (not a member, no such user, a contact's key changed, cannot be sealed): it
        // fails with its reason and leaves the queue, so that nothing waits behind it and it is never
        // sent later by surprise. A later message to a changed key fails the same way on its own, so
        // none is wrapped for a key the user has not accepted (KeyChangedError, then `trust` and retry).
        await this.#fail(entry.cid, codeOf(error), (error as Error).message ?? String(error));
        continue;
      }
      const answer = this.#transmit(rpc, entry, window);
      window.answers.push(answer);
      // Just refused for the rate: one at a time until a pass goes through, or each send behind the
      // first would take a token only to be refused out_of_order.
      if (this.#rateLimited) await answer;
    }
  }

  /**
   * Every answer of the window is in. After a refusal on a connection still up, the next pass comes
   * once the server says (rate_limited) or soon. When the first send of the window itself was refused
   * `out_of_order`, the connection holds a message this client is not sending (protocol.md § Delivery):
   * a new connection starts clean, so it is dropped and the reconnect's pass sends.
   */
  #afterWindow(window: Window, answers: readonly Answer[]): void {
    const again = answers.filter((a): a is Extract<Answer, { kind: 'again' }> => a.kind === 'again');
    if (again.length === 0) {
      this.#refusedPasses = 0;
      this.#rateLimited = false;
      return;
    }
    let current: RpcConnection;
    try {
      current = this.online();
    } catch {
      return; // offline: the reconnect flushes
    }
    if (current !== window.rpc) return; // reconnected meanwhile: its flush has started a new pass
    const first = answers[0]!;
    if (first.kind === 'again' && first.code === 'out_of_order') {
      current.close();
      return;
    }
    if (again.every((a) => a.code === 'timeout')) {
      // Only acks that came too late (their late replies are dropped, rpc-connection.ts): send again
      // at once; the server answers a resend of a stored message with its first ack.
      this.#again = true;
      return;
    }
    const limited = again.filter((a) => a.code === 'rate_limited');
    this.#rateLimited = limited.length > 0;
    const delayMs =
      limited.length > 0
        ? Math.max(...limited.map((a) => a.retryAfterMs ?? RATE_LIMITED_RETRY_MS))
        : backoffDelay(++this.#refusedPasses, RETRY_BACKOFF);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.flush();
    }, delayMs);
  }

  /** Takes a message out of the queue and reports it failed, with its reason. */
  async #fail(cid: string, code: string, message: string): Promise<void> {
    await this.outbox.remove(cid);
    this.#settle(cid, { ok: false, failure: { cid, code, message } });
  }

  #transmit(rpc: RpcConnection, entry: OutboxEntry, window: Window): Promise<Answer> {
    this.#inFlight.add(entry.cid);
    // Legacy copies go first, each under its own cid derived from the message's, so a resend is recognised.
    const copies = (entry.legacy ?? []).map((body, i) =>
      rpc.request({ t: 'send', conversation: entry.conversation!, cid: `${entry.cid}.L${i}`, body: Buffer.from(body, 'base64') }),
    );
    const main = rpc.request({
      t: 'send',
      conversation: entry.conversation!,
      cid: entry.cid,
      body: Buffer.from(entry.envelope!, 'base64'),
    });
    return Promise.all([...copies, main])
      .then(
        async (acks): Promise<Answer> => {
          const ack = acks.at(-1)!;
          // In flight until it has left the outbox: a pass meanwhile must not take it for unsent.
          try {
            await this.outbox.remove(entry.cid);
          } finally {
            this.#inFlight.delete(entry.cid);
          }
          this.#settle(entry.cid, {
            ok: true,
            receipt: { cid: entry.cid, conversation: ack.conversation, seq: ack.seq, mid: ack.mid, ts: ack.ts },
          });
          return { kind: 'done' };
        },
        async (error: unknown): Promise<Answer> => {
          this.#inFlight.delete(entry.cid);
          if (error instanceof RequestFailedError && isFinal(error.code)) {
            await this.outbox.remove(entry.cid);
            this.#settle(entry.cid, { ok: false, failure: { cid: entry.cid, code: error.code, message: error.message } });
            return { kind: 'done' };
          }
          if (error instanceof RequestFailedError || error instanceof RequestTimeoutError) {
            // Stays in the outbox and goes again, in order (#afterWindow). `rate_limited` is not a failure.
            window.refused = true;
            return {
              kind: 'again',
              code: String(error.code),
              retryAfterMs: error instanceof RequestFailedError ? error.retryAfterMs : undefined,
            };
          }
          // The connection failed: the entry stays and goes out again after the reconnect.
          return { kind: 'lost' };
        },
      )
      .finally(() => this.#wakeIfIdle());
  }

  #settle(cid: string, outcome: SendOutcome): void {
    const waiter = this.#waiters.get(cid);
    this.#waiters.delete(cid);
    if (outcome.ok) waiter?.resolve(outcome.receipt);
    else waiter?.reject(new SendError(outcome.failure.code, outcome.failure.message));
    for (const listener of this.#listeners) listener(outcome);
  }
}

/**
 * A failure that says nothing about the message itself (the connection, a deadline, the server
 * busy or restarting, the disk): the entry stays and goes on the next flush.
 */
function isTransient(error: unknown): boolean {
  if (error instanceof ConnectionClosedError || error instanceof RequestTimeoutError || error instanceof LocalStateError) return true;
  return error instanceof RequestFailedError && !isFinal(error.code);
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'send_failed';
}

/** The reason of a held-back entry (outbox.ts: `blocked`) whose file gave none as text. */
const LEGACY_HELD_REASON = "held back for a contact's changed key: compare fingerprints, /trust them, and send it again";

/** When a `rate_limited` refusal names no time to wait. */
const RATE_LIMITED_RETRY_MS = 1000;
