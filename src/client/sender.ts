import { decodeContent, needsRotation, newOutboundSession, sealMessage, type OutboundSession } from '../crypto/envelope.js';
import { LegacyTextError } from '../crypto/errors.js';
import { encodeLegacyBody } from '../crypto/legacy-body.js';
import { legacyEncrypt, legacyMaxBytes, splitLegacyText } from '../crypto/legacy-rsa.js';
import { openLocal } from '../crypto/local-seal.js';
import type { Identity } from './account.js';
import type { ClientState, StoredSession } from './client-state.js';
import { ConnectionClosedError, KeyChangedError, LocalStateError, legacyTextRefusal, RequestFailedError, RequestTimeoutError, SendError } from './errors.js';
import type { Keyring, LegacyContact } from './keyring.js';
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

/** How old a looked-up key may be before sealing looks it up again. */
const KEY_MAX_AGE_MS = 60_000;

/** Server refusals after which resending the same message cannot succeed. */
const FINAL_CODES = new Set(['forbidden', 'not_found', 'bad_request']);

/**
 * Takes the outbox to the server in order: makes sure each message has its conversation, seals it
 * once (the bytes are kept, so a resend is the same message), and pipelines the sends. An ack removes
 * it from the outbox; a lost connection leaves it there for the next flush.
 */
export class Sender {
  readonly #waiters = new Map<string, { resolve: (r: SendReceipt) => void; reject: (e: Error) => void }>();
  readonly #inFlight = new Set<string>();
  readonly #listeners = new Set<(outcome: SendOutcome) => void>();
  #running = false;
  #again = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #idleWaiters: Array<() => void> = [];

  constructor(
    private readonly identity: Identity,
    private readonly state: ClientState,
    private readonly keyring: Keyring,
    private readonly outbox: Outbox,
    private readonly members: (conversation: number) => Promise<number[]>,
    private readonly online: () => RpcConnection,
  ) {}

  /** Resolves when the message with this cid is stored by the server; rejects when it cannot be. */
  waitFor(cid: string): Promise<SendReceipt> {
    return new Promise((resolve, reject) => this.#waiters.set(cid, { resolve, reject }));
  }

  onOutcome(listener: (outcome: SendOutcome) => void): void {
    this.#listeners.add(listener);
  }

  /** Resolves once nothing is being prepared or awaiting its ack (what was flushed has its answer). */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #isIdle(): boolean {
    return !this.#running && this.#inFlight.size === 0;
  }

  #wakeIfIdle(): void {
    if (this.#isIdle()) this.#idleWaiters.splice(0).forEach((wake) => wake());
  }

  /** Sends what is waiting, if connected. Safe to call often. */
  flush(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    void this.#loop().finally(() => {
      this.#running = false;
      if (this.#again) {
        this.#again = false;
        this.flush();
      }
      this.#wakeIfIdle();
    });
  }

  async #loop(): Promise<void> {
    let entries: OutboxEntry[];
    try {
      entries = await this.outbox.claim();
    } catch (error) {
      // The outbox lock stayed busy past its deadline (another process hung holding it): the entries
      // are on disk, and the next flush (the next send, the next reconnect) tries again.
      if (error instanceof LocalStateError) return;
      throw error;
    }
    let loopRpc: RpcConnection | undefined;
    for (const entry of entries) {
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
      loopRpc ??= rpc;
      if (rpc !== loopRpc) return;
      try {
        await this.#prepare(rpc, entry);
      } catch (error) {
        // A deadline passed on a connection that is still up (a slow server): no reconnect will
        // flush again, so this pass asks for the next one itself.
        if (error instanceof RequestTimeoutError) this.#again = true;
        if (isTransient(error)) return;
        // Refused for good (not a member, no such user, a contact's key changed, cannot be sealed): it
        // fails with its reason and leaves the queue, so that nothing waits behind it and it is never
        // sent later by surprise. A later message to a changed key fails the same way on its own, so
        // none is wrapped for a key the user has not accepted (KeyChangedError, then `trust` and retry).
        await this.#fail(entry.cid, codeOf(error), (error as Error).message ?? String(error));
        continue;
      }
      this.#transmit(rpc, entry);
    }
  }

  /** Takes a message out of the queue and reports it failed, with its reason. */
  async #fail(cid: string, code: string, message: string): Promise<void> {
    await this.outbox.remove(cid);
    this.#settle(cid, { ok: false, failure: { cid, code, message } });
  }

  /** Gives the entry its conversation and its envelope, once. */
  async #prepare(rpc: RpcConnection, entry: OutboxEntry): Promise<void> {
    if (entry.conversation === undefined) {
      const { conversation } = await rpc.request({ t: 'open_direct', user: entry.to! });
      entry.conversation = conversation.conversation;
      await this.outbox.update(entry.cid, { conversation: entry.conversation });
    }
    if (entry.envelope !== undefined) return;
    const conversation = entry.conversation;
    const recipients = await this.members(conversation);
    // Keys are looked up again when a minute old, so a contact's new key is noticed while chatting.
    const keys = await this.keyring.keysOf(recipients, KEY_MAX_AGE_MS);
    for (const contact of keys.values()) {
      if (contact.changed && contact.userId !== this.identity.user.id) {
        throw new KeyChangedError(contact.name, contact.pinnedFingerprint ?? '?', contact.fingerprint);
      }
    }
    const withKeys = recipients.filter((id) => keys.has(id)).sort((a, b) => a - b);
    const fingerprints = Object.fromEntries(withKeys.map((id) => [id, keys.get(id)!.fingerprint]));
    const stored = this.state.session(conversation);
    let session = toOutbound(stored);
    // A recipient whose key changed cannot open the old session key: start a new session for them.
    const rekeyed = withKeys.some((id) => stored?.fingerprints?.[id] !== fingerprints[id]);
    if (!session || rekeyed || needsRotation(session, withKeys)) session = newOutboundSession(withKeys);
    const plaintext = openLocal(this.identity.localKey, Buffer.from(entry.sealedContent, 'base64'));
    const legacy = this.keyring.legacyOf(recipients);
    // Legacy copies first: a refusal (not ASCII) must come before anything is sent.
    if (legacy.size > 0) entry.legacy = legacyCopies(decodeContent(plaintext).text, legacy);
    const envelope = sealMessage({
      session,
      conversationId: conversation,
      senderId: this.identity.user.id,
      senderKey: this.identity.privateKey,
      recipientKeys: new Map([...keys].map(([id, contact]) => [id, contact.publicKey])),
      plaintext,
    });
    this.state.setSession(conversation, { ...toStored(session), fingerprints });
    entry.envelope = envelope.toString('base64');
    await this.outbox.update(entry.cid, { envelope: entry.envelope, ...(entry.legacy ? { legacy: entry.legacy } : {}) });
  }

  #transmit(rpc: RpcConnection, entry: OutboxEntry): void {
    this.#inFlight.add(entry.cid);
    // Legacy copies go first, each under its own cid derived from the message's, so a resend is recognised.
    const copies = (entry.legacy ?? []).map((body, i) =>
      rpc.request({ t: 'send', conversation: entry.conversation!, cid: `${entry.cid}.L${i}`, body: Buffer.from(body, 'base64') }),
    );
    const main = rpc.request({ t: 'send', conversation: entry.conversation!, cid: entry.cid, body: Buffer.from(entry.envelope!, 'base64') });
    void Promise.all([...copies, main]).then(
      async (acks) => {
        const ack = acks.at(-1)!;
        // In flight until it has left the outbox: a pass meanwhile must not take it for unsent.
        try {
          await this.outbox.remove(entry.cid);
        } finally {
          this.#inFlight.delete(entry.cid);
        }
        this.#settle(entry.cid, { ok: true, receipt: { cid: entry.cid, conversation: ack.conversation, seq: ack.seq, mid: ack.mid, ts: ack.ts } });
      },
      async (error: unknown) => {
        this.#inFlight.delete(entry.cid);
        if (error instanceof RequestFailedError && FINAL_CODES.has(error.code)) {
          await this.outbox.remove(entry.cid);
          this.#settle(entry.cid, { ok: false, failure: { cid: entry.cid, code: error.code, message: error.message } });
        } else if (error instanceof RequestFailedError) {
          // Refused for now on a connection that may well stay up (sending too fast, the database
          // away for a moment, out_of_order behind such a refusal): the entry stays, and goes again
          // when the server says it may or after a second, not only after a reconnect that may never
          // come. Not unref: a one-shot `fastchat send` must stay alive to retry.
          this.#retryLater(error.retryAfterMs ?? REFUSED_RETRY_MS);
        } else if (error instanceof RequestTimeoutError) {
          // No ack in time, on a connection still up (its late reply is dropped, rpc-connection.ts):
          // send it again now; the server answers a resend of a stored message with its first ack.
          this.flush();
        }
        // Otherwise the connection failed: the entry stays and goes out again after the reconnect.
      },
    ).finally(() => this.#wakeIfIdle());
  }

  /** One flush after `ms`, however many refusals of one pass asked for it. */
  #retryLater(ms: number): void {
    if (this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.flush();
    }, ms);
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
  return error instanceof RequestFailedError && !FINAL_CODES.has(error.code);
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'send_failed';
}

/** The reason of a held-back entry (outbox.ts: `blocked`) whose file gave none as text. */
const LEGACY_HELD_REASON = "held back for a contact's changed key: compare fingerprints, /trust them, and send it again";

/** When a refusal that is not final (`rate_limited`, `unavailable`, …) names no time to wait. */
const REFUSED_RETRY_MS = 1000;

/**
 * One legacy body per piece per legacy member: the text split to fit each member's key (k − 11 bytes a
 * message, at spaces where possible) and encrypted in the 2022 format. SendError when it is not ASCII.
 */
function legacyCopies(text: string, members: ReadonlyMap<number, LegacyContact>): string[] {
  const bodies: string[] = [];
  for (const member of members.values()) {
    let pieces: string[];
    try {
      pieces = splitLegacyText(text, legacyMaxBytes(member.legacyKey));
    } catch (error) {
      if (error instanceof LegacyTextError) throw legacyTextRefusal([member.name]);
      throw error;
    }
    for (const piece of pieces) {
      bodies.push(encodeLegacyBody({ to: member.userId, text: legacyEncrypt(member.legacyKey, piece) }).toString('base64'));
    }
  }
  return bodies;
}

function toOutbound(stored: StoredSession | undefined): OutboundSession | undefined {
  if (!stored) return undefined;
  return {
    id: Buffer.from(stored.id, 'base64'),
    key: Buffer.from(stored.key, 'base64'),
    index: stored.index,
    recipients: stored.recipients,
    createdAt: stored.createdAt,
  };
}

function toStored(session: OutboundSession): StoredSession {
  return {
    id: session.id.toString('base64'),
    key: session.key.toString('base64'),
    index: session.index,
    recipients: session.recipients,
    createdAt: session.createdAt,
  };
}
