import type { KeyObject } from 'node:crypto';
import {
  legacyDecrypt,
  decodeContent,
  openMessage,
  parseEnvelope,
  SessionKeyCache,
  unwrapSessionKey,
  type ParsedEnvelope,
} from '../crypto/index.js';
import { decodeLegacyBody, type MessageView } from '../protocol/index.js';
import type { ReplayGuard } from './replay-guard.js';
import type { Keyring } from './keyring.js';

/** How far a message can be trusted, as the person should see it. */
export type Trust =
  /** Decrypted, and signed by the key pinned for its sender. */
  | 'verified'
  /** Decrypted, but the signature does not check out, or the sender's key changed or is unknown. */
  | 'unverified'
  /** Could not be decrypted (no key for this device, tampered, malformed). */
  | 'undecryptable'
  /** A membership event written by the server (no ciphertext). */
  | 'event';

/** A conversation row as the client shows it. */
export interface ChatMessage {
  readonly conversation: number;
  readonly seq: number;
  readonly mid: number;
  readonly cid: string;
  readonly from: number;
  readonly kind: MessageView['kind'];
  /** The decrypted text (`message`), or the group name (`created`, `renamed`). */
  readonly text: string | undefined;
  /** The sender's clock when written (from inside the ciphertext). */
  readonly sentAt: number | undefined;
  /** The server's commit time. */
  readonly ts: number;
  readonly trust: Trust;
  /** Why it is not verified (`legacy`: from an unverified legacy (2022) client). */
  readonly reason?: string;
  readonly subject?: number;
}

/**
 * How far the signed send time may lie from the server's commit time before it is shown beside it:
 * more than clocks drift, less than a replay or a message held back would.
 */
export const SENT_AT_SHOWN_AFTER_MS = 2 * 60_000;

/** The signed send time, when it says something the server's time does not (a message queued offline, or an old one stored again). */
export function notableSentAt(message: { readonly sentAt?: number | undefined; readonly ts: number }): number | undefined {
  return message.sentAt !== undefined && Math.abs(message.ts - message.sentAt) > SENT_AT_SHOWN_AFTER_MS ? message.sentAt : undefined;
}

/** Finds a session key that arrived in an earlier message (the session's first), e.g. by paging history. */
export type KeyFinder = (conversation: number, sender: number, sessionId: Buffer, beforeSeq: number) => Promise<ParsedEnvelope | undefined>;

/**
 * Turns `msg` rows into ChatMessages: one RSA private operation per sender session (cached), then
 * AES-GCM and a signature check per message. Never throws on bad content: it reports it as the
 * message's trust.
 */
export class MessageReader {
  readonly #cache = new SessionKeyCache();

  constructor(
    private readonly myUserId: number,
    /** The identity key in use, then the keys it replaced (sessions may still be wrapped to those). */
    private readonly myPrivateKeys: readonly KeyObject[],
    private readonly keyring: Keyring,
    private readonly findKey: KeyFinder,
    private readonly myLegacyKey?: KeyObject,
    private readonly replays?: ReplayGuard,
  ) {}

  /**
   * True for a legacy copy addressed to another member (a group message from or to a legacy client is
   * one row per member, docs/legacy.md): not this user's to read, and not shown at all.
   */
  isForOthers(row: MessageView): boolean {
    if (row.kind !== 'message') return false;
    const legacy = decodeLegacyBody(row.body);
    return legacy !== undefined && legacy.to !== this.myUserId;
  }

  async read(row: MessageView): Promise<ChatMessage> {
    const base = {
      conversation: row.conversation,
      seq: row.seq,
      mid: row.mid,
      cid: row.cid,
      from: row.from,
      kind: row.kind,
      ts: row.ts,
      ...(row.subject === undefined ? {} : { subject: row.subject }),
    };
    if (row.kind !== 'message') {
      // Learn the names an event mentions, so it can be shown with them.
      await this.keyring.keysOf(row.subject === undefined ? [row.from] : [row.from, row.subject]);
      const text = row.kind === 'created' || row.kind === 'renamed' ? Buffer.from(row.body).toString('utf8') : undefined;
      return { ...base, text, sentAt: undefined, trust: 'event' };
    }
    const legacy = decodeLegacyBody(row.body);
    if (legacy) {
      // Learn the sender's name for display; a legacy key is never pinned or used to verify anything.
      await this.keyring.keysOf([row.from]);
      // The 2022 scheme: one RSA block to our legacy key, nothing signed. A failure looks like any other.
      const text = legacy.to === this.myUserId && this.myLegacyKey ? legacyDecrypt(this.myLegacyKey, legacy.text) : undefined;
      if (text === undefined) return { ...base, text: undefined, sentAt: undefined, trust: 'undecryptable', reason: 'bad_ciphertext' };
      return { ...base, text, sentAt: undefined, trust: 'unverified', reason: 'legacy' };
    }
    let envelope: ParsedEnvelope;
    try {
      envelope = parseEnvelope(row.body);
    } catch {
      // Garbage from a broken or hostile sender: shown as undecryptable, like any other failure.
      return { ...base, text: undefined, sentAt: undefined, trust: 'undecryptable', reason: 'malformed' };
    }
    const cached = this.#cache.get(row.conversation, row.from, envelope.sessionId);
    const sessionKey = cached ?? (await this.#unwrap(row, envelope));
    const open = (senderPublicKey: import('node:crypto').KeyObject | undefined) =>
      openMessage({ envelope, conversationId: row.conversation, senderId: row.from, sessionKey, senderPublicKey });
    let sender = (await this.keyring.keysOf([row.from])).get(row.from);
    let opened = open(sender?.publicKey);
    if (opened.status === 'unverified') {
      // The sender may have a new key since it was looked up: look again, and let the keyring judge it.
      await this.keyring.refresh([row.from]);
      sender = this.keyring.get(row.from);
      opened = open(sender?.publicKey);
    }
    // Cache a key only once a message it opens is verified: a forged key message cannot poison the cache.
    if (!cached && sessionKey && opened.status === 'verified') this.#cache.set(row.conversation, row.from, envelope.sessionId, sessionKey);
    if (opened.status === 'undecryptable')
      return { ...base, text: undefined, sentAt: undefined, trust: 'undecryptable', reason: opened.reason };
    let content;
    try {
      content = decodeContent(opened.plaintext);
    } catch {
      // Decrypted bytes that are not our content format: treat as undecryptable, never as text.
      return { ...base, text: undefined, sentAt: undefined, trust: 'undecryptable', reason: 'malformed' };
    }
    const keyChanged = sender?.changed === true;
    const signed = opened.status === 'verified' && !keyChanged;
    // A signed message stored again by the server: its signature holds, its place does not (replay-guard.ts).
    const replayed =
      this.replays?.check(
        { conversation: row.conversation, sender: row.from, sessionId: envelope.sessionId, index: envelope.index, seq: row.seq },
        signed,
      ) === false;
    const trust: Trust = signed && !replayed ? 'verified' : 'unverified';
    const reason = replayed ? 'replayed' : keyChanged ? 'key_changed' : opened.status === 'unverified' ? opened.reason : undefined;
    return { ...base, text: content.text, sentAt: content.sentAt, trust, ...(reason ? { reason } : {}) };
  }

  /** The session key from this envelope, or from the session's first message found further back. */
  async #unwrap(row: MessageView, envelope: ParsedEnvelope): Promise<Buffer | undefined> {
    let carrier: ParsedEnvelope | undefined = envelope.carriesKeys ? envelope : undefined;
    carrier ??= await this.findKey(row.conversation, row.from, envelope.sessionId, row.seq);
    if (!carrier) return undefined;
    for (const key of this.myPrivateKeys) {
      const sessionKey = unwrapSessionKey(carrier, this.myUserId, key);
      if (sessionKey) return sessionKey;
    }
    return undefined;
  }
}
