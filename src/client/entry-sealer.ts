import {
  decodeContent,
  needsRotation,
  newOutboundSession,
  sealMessage,
  type OutboundSession,
  LegacyTextError,
  legacyEncrypt,
  legacyMaxBytes,
  splitLegacyText,
  openLocal,
} from '../crypto/index.js';
import { encodeLegacyBody } from '../protocol/index.js';
import type { Identity } from './account.js';
import type { ClientState, StoredSession } from './client-state.js';
import { KeyChangedError, legacyTextRefusal } from './errors.js';
import type { Keyring, LegacyContact } from './keyring.js';
import type { Outbox, OutboxEntry } from './outbox.js';
import type { RpcConnection } from './rpc-connection.js';

/** How old a looked-up key may be before sealing looks it up again. */
const KEY_MAX_AGE_MS = 60_000;

/** A current member of a conversation as the sealer needs it: who, and since which event. */
export interface Member {
  readonly user: number;
  /** The seq of the event that made them a member this time; 0 for founders and direct conversations. */
  readonly joinedSeq: number;
}

/**
 * Gives an outbox entry what it needs to be sent, once, and keeps it in the outbox: its conversation
 * (a first direct message written offline has only the user) and its envelope, sealed for the
 * members' current keys (and its legacy copies). A resend then sends the same bytes.
 */
export class EntrySealer {
  constructor(
    private readonly identity: Identity,
    private readonly state: ClientState,
    private readonly keyring: Keyring,
    private readonly outbox: Outbox,
    private readonly members: (conversation: number) => Promise<readonly Member[]>,
  ) {}

  /** Gives the entry its conversation and its envelope, once. KeyChangedError, SendError when it cannot be sealed. */
  async prepare(rpc: RpcConnection, entry: OutboxEntry): Promise<void> {
    if (entry.conversation === undefined) {
      const { conversation } = await rpc.request({ t: 'open_direct', user: entry.to! });
      entry.conversation = conversation.conversation;
      await this.outbox.update(entry.cid, { conversation: entry.conversation });
    }
    if (entry.envelope !== undefined) return;
    const conversation = entry.conversation;
    const members = await this.members(conversation);
    const recipients = members.map((m) => m.user);
    // Keys are looked up again when a minute old, so a contact's new key is noticed while chatting.
    const keys = await this.keyring.keysOf(recipients, KEY_MAX_AGE_MS);
    for (const contact of keys.values()) {
      if (contact.changed && contact.userId !== this.identity.user.id) {
        throw new KeyChangedError(contact.name, contact.pinnedFingerprint ?? '?', contact.fingerprint, contact.signedByPinned === true);
      }
    }
    const withKeys = recipients.filter((id) => keys.has(id)).sort((a, b) => a - b);
    const fingerprints = Object.fromEntries(withKeys.map((id) => [id, keys.get(id)!.fingerprint]));
    const joined = Object.fromEntries(members.filter((m) => keys.has(m.user)).map((m) => [m.user, m.joinedSeq]));
    const stored = this.state.session(conversation);
    let session = toOutbound(stored);
    // A recipient whose key changed cannot open the old session key: start a new session for them.
    const rekeyed = withKeys.some((id) => stored?.fingerprints?.[id] !== fingerprints[id]);
    // Nor can a member added back since the session began (the same recipients as far as a list
    // goes): its key was sent in a message from before their new window, which they never get.
    const readded = withKeys.some((id) => (stored?.joined?.[id] ?? 0) !== joined[id]);
    if (!session || rekeyed || readded || needsRotation(session, withKeys)) session = newOutboundSession(withKeys);
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
    this.state.setSession(conversation, { ...toStored(session), fingerprints, joined });
    // The session's new index is on disk before the envelope: after a crash between the two the
    // envelope is sealed again with a later index, never a later message sealed with this one (which
    // reuses a message key, and which readers take for a replay: replay-guard.ts).
    await this.state.flush();
    entry.envelope = envelope.toString('base64');
    await this.outbox.update(entry.cid, { envelope: entry.envelope, ...(entry.legacy ? { legacy: entry.legacy } : {}) });
  }
}

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
