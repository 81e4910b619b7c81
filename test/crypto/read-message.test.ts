import { beforeAll, describe, expect, it } from 'vitest';
import { SessionKeyCache, encodeContent, newOutboundSession, parseEnvelope, sealMessage } from '../../src/crypto/envelope.js';
import { readMessage } from '../../src/crypto/read-message.js';
import { ALICE, BOB, CAROL, CONVERSATION, MALLORY, makeUsers, sealText, type Users } from './group.js';

let users: Users;
beforeAll(async () => {
  users = await makeUsers();
});

function bobReads(bytes: Uint8Array, cache: SessionKeyCache, privateKey = users.privateKey(BOB)) {
  return readMessage({
    envelope: bytes,
    conversationId: CONVERSATION,
    senderId: ALICE,
    myUserId: BOB,
    myPrivateKey: privateKey,
    senderPublicKey: users.publicKey(ALICE),
    cache,
  });
}

describe('readMessage', () => {
  it('unwraps once per session, then reads the rest of the session from the cache alone', () => {
    const cache = new SessionKeyCache();
    const session = newOutboundSession([ALICE, BOB]);
    const envelopes = Array.from({ length: 5 }, (_, i) => sealText(users, session, `m${i}`));
    expect(bobReads(envelopes[0]!, cache).status).toBe('verified');
    expect(cache.size).toBe(1);
    // Bob's private key is not needed again: a wrong one changes nothing.
    for (const bytes of envelopes.slice(1)) expect(bobReads(bytes, cache, users.privateKey(MALLORY)).status).toBe('verified');
    // Rereading the key-carrying first message uses the cache too.
    expect(bobReads(envelopes[0]!, cache, users.privateKey(MALLORY)).status).toBe('verified');
  });

  it('keeps one key per (conversation, sender, session)', () => {
    const cache = new SessionKeyCache();
    const a = newOutboundSession([ALICE, BOB]);
    const b = newOutboundSession([ALICE, BOB]);
    bobReads(sealText(users, a, 'a'), cache);
    bobReads(sealText(users, b, 'b'), cache);
    expect(cache.size).toBe(2);
    expect(cache.get(CONVERSATION, ALICE, a.id)).toEqual(a.key);
    expect(cache.get(CONVERSATION, ALICE, b.id)).toEqual(b.key);
    expect(cache.get(CONVERSATION + 1, ALICE, a.id)).toBeUndefined();
    expect(cache.get(CONVERSATION, BOB, a.id)).toBeUndefined();
  });

  it('does not let a forged first message poison the cache', () => {
    const cache = new SessionKeyCache();
    const real = newOutboundSession([ALICE, BOB]);
    // Mallory reuses the session id, wraps her own key for Bob, and signs with her own key.
    const forgedSession = { ...real, key: Buffer.alloc(32, 7), index: 0 };
    const forged = sealMessage({
      session: forgedSession,
      conversationId: CONVERSATION,
      senderId: ALICE,
      senderKey: users.privateKey(MALLORY),
      recipientKeys: users.publicKeys,
      plaintext: encodeContent({ text: 'evil', sentAt: 1 }),
    });
    expect(bobReads(forged, cache)).toMatchObject({ status: 'unverified', reason: 'bad_signature' });
    expect(cache.size).toBe(0);
    expect(bobReads(sealText(users, real, 'real first'), cache).status).toBe('verified');
    expect(bobReads(sealText(users, real, 'real second'), cache).status).toBe('verified');
  });

  it('reports garbage and missing keys as undecryptable', () => {
    const cache = new SessionKeyCache();
    expect(bobReads(Buffer.from('garbage'), cache)).toEqual({ status: 'undecryptable', reason: 'malformed' });
    const session = newOutboundSession([ALICE, CAROL]);
    expect(bobReads(sealText(users, session, 'not for bob'), cache)).toEqual({ status: 'undecryptable', reason: 'no_session_key' });
    expect(bobReads(sealText(users, session, 'later, not for bob'), cache)).toEqual({ status: 'undecryptable', reason: 'no_session_key' });
  });

  it('accepts an already parsed envelope', () => {
    const session = newOutboundSession([ALICE, BOB]);
    const envelope = parseEnvelope(sealText(users, session, 'parsed'));
    expect(
      readMessage({
        envelope,
        conversationId: CONVERSATION,
        senderId: ALICE,
        myUserId: BOB,
        myPrivateKey: users.privateKey(BOB),
        senderPublicKey: undefined,
        cache: new SessionKeyCache(),
      }),
    ).toMatchObject({ status: 'unverified', reason: 'unknown_sender_key' });
  });
});

describe('SessionKeyCache', () => {
  const id = (n: number) => Buffer.alloc(16, n);
  it('evicts the least recently used key beyond its cap', () => {
    const cache = new SessionKeyCache({ maxEntries: 2 });
    cache.set(1, 1, id(1), Buffer.alloc(32, 1));
    cache.set(1, 1, id(2), Buffer.alloc(32, 2));
    cache.get(1, 1, id(1));
    cache.set(1, 1, id(3), Buffer.alloc(32, 3));
    expect(cache.size).toBe(2);
    expect(cache.get(1, 1, id(2))).toBeUndefined();
    expect(cache.get(1, 1, id(1))).toEqual(Buffer.alloc(32, 1));
    expect(cache.get(1, 1, id(3))).toEqual(Buffer.alloc(32, 3));
    cache.delete(1, 1, id(3));
    expect(cache.get(1, 1, id(3))).toBeUndefined();
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('refuses a cap below 1', () => {
    expect(() => new SessionKeyCache({ maxEntries: 0 })).toThrow(RangeError);
  });
});
