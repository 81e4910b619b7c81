import type { KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  SessionKeyCache,
  decodeContent,
  encodeContent,
  needsRotation,
  newOutboundSession,
  openMessage,
  parseEnvelope,
  sealMessage,
  unwrapSessionKey,
  type OpenedMessage,
  type OutboundSession,
  type ParsedEnvelope,
} from '../../src/crypto/envelope.js';
import { InvalidSealInputError, MissingRecipientKeyError } from '../../src/crypto/errors.js';
import { ALICE, BOB, CAROL, CONVERSATION, MALLORY, makeUsers, sealText, type Users } from './group.js';

let users: Users;
beforeAll(async () => {
  users = await makeUsers();
});

const textOf = (opened: OpenedMessage) => (opened.status === 'undecryptable' ? undefined : decodeContent(opened.plaintext).text);

function openAs(readerId: number, envelope: ParsedEnvelope, key = unwrapSessionKey(envelope, readerId, users.privateKey(readerId))) {
  return openMessage({ envelope, conversationId: CONVERSATION, senderId: ALICE, sessionKey: key, senderPublicKey: users.publicKey(ALICE) });
}

describe('group envelope', () => {
  it('opens verified for every recipient of a 3-member group, the sender included', () => {
    const session = newOutboundSession([CAROL, ALICE, BOB]);
    expect(session.recipients).toEqual([ALICE, BOB, CAROL]);
    const envelope = parseEnvelope(sealText(users, session, 'hello group'));
    expect(session.index).toBe(1);
    expect(envelope.carriesKeys).toBe(true);
    for (const reader of [ALICE, BOB, CAROL]) {
      const opened = openAs(reader, envelope);
      expect(opened.status, `reader ${reader}`).toBe('verified');
      expect(textOf(opened)).toBe('hello group');
    }
  });

  it('encrypts the content once: one ciphertext whatever the group size, one wrap per member only in the first message', () => {
    const plaintext = encodeContent({ text: 'x'.repeat(500), sentAt: 1 });
    const seal = (session: OutboundSession) =>
      sealMessage({
        session,
        conversationId: CONVERSATION,
        senderId: ALICE,
        senderKey: users.privateKey(ALICE),
        recipientKeys: users.publicKeys,
        plaintext,
      });
    const small = newOutboundSession([ALICE, BOB]);
    const big = newOutboundSession([ALICE, BOB, CAROL, MALLORY]);
    const [firstSmall, firstBig] = [parseEnvelope(seal(small)), parseEnvelope(seal(big))];
    expect(firstSmall.wrappedKeys.map(([id]) => id)).toEqual([ALICE, BOB]);
    expect(firstBig.wrappedKeys.map(([id]) => id)).toEqual([ALICE, BOB, CAROL, MALLORY]);
    const [laterSmall, laterBig] = [seal(small), seal(big)];
    expect(laterSmall.length).toBe(laterBig.length);
    for (const envelope of [firstSmall, firstBig, parseEnvelope(laterSmall), parseEnvelope(laterBig)]) {
      expect(envelope.ciphertext.length).toBe(plaintext.length + 16);
    }
    expect(parseEnvelope(laterBig).carriesKeys).toBe(false);
  });

  it("gives a non-recipient nothing: no wrap for them, and their key does not open anyone else's", () => {
    const session = newOutboundSession([ALICE, BOB, CAROL]);
    const envelope = parseEnvelope(sealText(users, session, 'members only'));
    expect(envelope.wrappedKeyFor(MALLORY)).toBeUndefined();
    expect(unwrapSessionKey(envelope, MALLORY, users.privateKey(MALLORY))).toBeUndefined();
    // A failed RSA decryption looks exactly like a missing wrap: undefined, no throw.
    expect(unwrapSessionKey(envelope, BOB, users.privateKey(MALLORY))).toBeUndefined();
    expect(unwrapSessionKey(envelope, BOB, users.privateKey(CAROL))).toBeUndefined();
    expect(openAs(MALLORY, envelope)).toEqual({ status: 'undecryptable', reason: 'no_session_key' });
  });

  it('opens the later messages of a session with the cached key; they carry no wrapped keys', () => {
    const session = newOutboundSession([ALICE, BOB, CAROL]);
    const envelopes = ['one', 'two', 'three', 'four'].map((text) => parseEnvelope(sealText(users, session, text)));
    const cache = new SessionKeyCache();
    const first = envelopes[0]!;
    cache.set(CONVERSATION, ALICE, first.sessionId, unwrapSessionKey(first, BOB, users.privateKey(BOB))!);
    expect(envelopes.slice(1).every((e) => !e.carriesKeys && e.wrappedKeyFor(BOB) === undefined)).toBe(true);
    expect(envelopes.map((e) => e.index)).toEqual([0, 1, 2, 3]);
    const texts = envelopes.map((envelope) => {
      const key = cache.get(CONVERSATION, ALICE, envelope.sessionId);
      const opened = openMessage({
        envelope,
        conversationId: CONVERSATION,
        senderId: ALICE,
        sessionKey: key,
        senderPublicKey: users.publicKey(ALICE),
      });
      expect(opened.status).toBe('verified');
      return textOf(opened);
    });
    expect(texts).toEqual(['one', 'two', 'three', 'four']);
    expect(openAs(BOB, envelopes[2]!)).toEqual({ status: 'undecryptable', reason: 'no_session_key' });
  });

  it('after a member is removed, rotates to a session the removed member cannot open', () => {
    const before = newOutboundSession([ALICE, BOB, CAROL]);
    const old = parseEnvelope(sealText(users, before, 'before'));
    const carolsOldKey = unwrapSessionKey(old, CAROL, users.privateKey(CAROL))!;
    expect(needsRotation(before, [ALICE, BOB, CAROL])).toBe(false);
    expect(needsRotation(before, [ALICE, BOB])).toBe(true);

    const after = newOutboundSession([ALICE, BOB]);
    const secret = parseEnvelope(sealText(users, after, 'after carol left'));
    const later = parseEnvelope(sealText(users, after, 'still secret'));
    expect(secret.wrappedKeyFor(CAROL)).toBeUndefined();
    expect(unwrapSessionKey(secret, CAROL, users.privateKey(CAROL))).toBeUndefined();
    for (const envelope of [secret, later]) {
      expect(
        openMessage({
          envelope,
          conversationId: CONVERSATION,
          senderId: ALICE,
          sessionKey: carolsOldKey,
          senderPublicKey: users.publicKey(ALICE),
        }).status,
      ).toBe('undecryptable');
    }
    expect(textOf(openAs(BOB, secret))).toBe('after carol left');
  });

  it('is unverified when the signature does not check against the given sender key, or there is none', () => {
    const session = newOutboundSession([ALICE, BOB]);
    const envelope = parseEnvelope(sealText(users, session, 'signed by alice'));
    const key = unwrapSessionKey(envelope, BOB, users.privateKey(BOB));
    const withKey = (senderPublicKey: KeyObject | undefined) =>
      openMessage({ envelope, conversationId: CONVERSATION, senderId: ALICE, sessionKey: key, senderPublicKey });
    expect(withKey(users.publicKey(MALLORY))).toMatchObject({ status: 'unverified', reason: 'bad_signature' });
    expect(withKey(undefined)).toMatchObject({ status: 'unverified', reason: 'unknown_sender_key' });
    expect(textOf(withKey(undefined))).toBe('signed by alice');
  });

  it("is unverified when a member who knows the session key forges a message in the sender's name", () => {
    const session = newOutboundSession([ALICE, BOB, CAROL]);
    parseEnvelope(sealText(users, session, 'real'));
    // Carol knows the session key; she seals index 1 with it but can only sign with her own key.
    const forged = sealMessage({
      session,
      conversationId: CONVERSATION,
      senderId: ALICE,
      senderKey: users.privateKey(CAROL),
      recipientKeys: users.publicKeys,
      plaintext: encodeContent({ text: 'send me money', sentAt: 2 }),
    });
    const opened = openMessage({
      envelope: parseEnvelope(forged),
      conversationId: CONVERSATION,
      senderId: ALICE,
      sessionKey: session.key,
      senderPublicKey: users.publicKey(ALICE),
    });
    expect(opened).toMatchObject({ status: 'unverified', reason: 'bad_signature' });
  });

  it('fails when replayed into another conversation or under another sender', () => {
    const session = newOutboundSession([ALICE, BOB]);
    const envelope = parseEnvelope(sealText(users, session, 'for conversation 7'));
    const key = unwrapSessionKey(envelope, BOB, users.privateKey(BOB));
    const open = (conversationId: number, senderId: number) =>
      openMessage({ envelope, conversationId, senderId, sessionKey: key, senderPublicKey: users.publicKey(ALICE) });
    expect(open(CONVERSATION, ALICE).status).toBe('verified');
    expect(open(CONVERSATION + 1, ALICE)).toEqual({ status: 'undecryptable', reason: 'bad_ciphertext' });
    expect(open(CONVERSATION, BOB)).toEqual({ status: 'undecryptable', reason: 'bad_ciphertext' });
    expect(open(2 ** 32 + CONVERSATION, ALICE)).toEqual({ status: 'undecryptable', reason: 'bad_ciphertext' });
    expect(open(-1, ALICE)).toEqual({ status: 'undecryptable', reason: 'malformed' });
  });

  it('never shows the plaintext in the envelope bytes', () => {
    const session = newOutboundSession([ALICE, BOB]);
    const text = 'the eagle lands at midnight';
    for (let i = 0; i < 3; i++) {
      const bytes = sealText(users, session, text);
      expect(bytes.includes(Buffer.from(text))).toBe(false);
      expect(bytes.includes(Buffer.from('eagle'))).toBe(false);
    }
  });

  it("refuses a first message without every recipient's public key, and leaves the index alone", () => {
    const session = newOutboundSession([ALICE, BOB, CAROL]);
    const seal = () =>
      sealMessage({
        session,
        conversationId: CONVERSATION,
        senderId: ALICE,
        senderKey: users.privateKey(ALICE),
        recipientKeys: new Map([
          [ALICE, users.publicKey(ALICE)],
          [BOB, users.publicKey(BOB)],
        ]),
        plaintext: Buffer.from('x'),
      });
    expect(seal).toThrow(MissingRecipientKeyError);
    expect(seal).toThrow(expect.objectContaining({ code: 'missing_recipient_key', userId: CAROL }));
    expect(session.index).toBe(0);
  });

  it('refuses a sender outside the session and ids that are not safe non-negative integers', () => {
    const session = newOutboundSession([ALICE, BOB]);
    const seal =
      (senderId: number, conversationId = CONVERSATION) =>
      () =>
        sealMessage({
          session,
          conversationId,
          senderId,
          senderKey: users.privateKey(ALICE),
          recipientKeys: users.publicKeys,
          plaintext: Buffer.from('x'),
        });
    expect(seal(CAROL)).toThrow(InvalidSealInputError);
    expect(seal(ALICE, -1)).toThrow(InvalidSealInputError);
    expect(seal(ALICE, 1.5)).toThrow(InvalidSealInputError);
    expect(seal(ALICE, 2 ** 53)).toThrow(InvalidSealInputError);
    expect(session.index).toBe(0);
  });
});
