import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  SessionKeyCache,
  newOutboundSession,
  openMessage,
  parseEnvelope,
  unwrapSessionKey,
  type OpenedMessage,
  type OutboundSession,
} from '../../src/crypto/envelope.js';
import { BadEnvelopeError } from '../../src/crypto/errors.js';
import { readMessage } from '../../src/crypto/read-message.js';
import { ALICE, BOB, CAROL, CONVERSATION, makeUsers, sealText, type Users } from './group.js';
import { flipped } from './keys.js';

/** An independent MessagePack codec, to rebuild tampered envelopes field by field. */
const msgpack = new Packr({ useRecords: false, mapsAsObjects: true });
type Fields = { v: number; s: Buffer; n: number; k?: [number, Buffer][]; iv: Buffer; c: Buffer; sig: Buffer };
const decode = (bytes: Buffer) => msgpack.unpack(bytes) as Fields;

let users: Users;
let session: OutboundSession;
let first: Buffer;
let second: Buffer;
let sessionKey: Buffer;
beforeAll(async () => {
  users = await makeUsers();
  session = newOutboundSession([ALICE, BOB, CAROL]);
  first = sealText(users, session, 'first message of the session');
  second = sealText(users, session, 'second message of the session');
  sessionKey = unwrapSessionKey(parseEnvelope(first), BOB, users.privateKey(BOB))!;
});

/** Bob reads `bytes` as a fresh device would (unwrapping as needed), or with the session key cached. */
function bobReads(bytes: Uint8Array, cached: boolean): OpenedMessage {
  const cache = new SessionKeyCache();
  if (cached) cache.set(CONVERSATION, ALICE, session.id, sessionKey);
  return readMessage({
    envelope: bytes,
    conversationId: CONVERSATION,
    senderId: ALICE,
    myUserId: BOB,
    myPrivateKey: users.privateKey(BOB),
    senderPublicKey: users.publicKey(ALICE),
    cache,
  });
}

function withField(bytes: Buffer, change: (fields: Fields) => void): Buffer {
  const fields = decode(bytes);
  change(fields);
  return msgpack.pack(fields);
}

describe('tampering never yields verified', () => {
  it('both untampered envelopes open verified, fresh and cached', () => {
    expect(bobReads(first, false).status).toBe('verified');
    expect(bobReads(first, true).status).toBe('verified');
    expect(bobReads(second, true).status).toBe('verified');
  });

  it.each(['iv', 'c', 'sig', 's'] as const)('every byte of %s, flipped, in the first and a later message', (field) => {
    for (const bytes of [first, second]) {
      const length = decode(bytes)[field].length;
      for (let at = 0; at < length; at++) {
        const tampered = withField(bytes, (f) => void (f[field] = flipped(f[field], at, 0x01)));
        // A fresh reader unwraps from the first message; flipping the signature cannot change that.
        for (const cached of bytes === first && field !== 'sig' ? [false, true] : [true]) {
          const opened = bobReads(tampered, cached);
          expect(opened.status, `${field}[${at}] cached=${cached}`).not.toBe('verified');
          if (field === 'sig') expect(opened).toMatchObject({ status: 'unverified', reason: 'bad_signature' });
          else expect(opened.status).toBe('undecryptable');
        }
      }
    }
  });

  it('the wrapped keys: flipped bytes unwrap to nothing, and with a cached key the signature fails', () => {
    const bobsWrap = decode(first).k!.findIndex(([id]) => id === BOB);
    for (const entry of [0, bobsWrap]) {
      for (const at of [0, 1, 100, 200, 383]) {
        const tampered = withField(first, (f) => void (f.k![entry]![1] = flipped(f.k![entry]![1], at, 0x80)));
        expect(bobReads(tampered, true), `k[${entry}][${at}] cached`).toMatchObject({ status: 'unverified', reason: 'bad_signature' });
        expect(bobReads(tampered, false).status, `k[${entry}][${at}] fresh`).not.toBe('verified');
        if (entry === bobsWrap) expect(unwrapSessionKey(parseEnvelope(tampered), BOB, users.privateKey(BOB))).toBeUndefined();
      }
    }
    const dropped = withField(first, (f) => void (f.k = f.k!.filter(([id]) => id !== CAROL)));
    expect(bobReads(dropped, false)).toMatchObject({ status: 'unverified', reason: 'bad_signature' });
  });

  it('the index: moved to another position of the session, the message does not decrypt', () => {
    for (const n of [0, 2, 1000]) {
      expect(
        bobReads(
          withField(second, (f) => void (f.n = n)),
          true,
        ).status,
      ).toBe('undecryptable');
    }
  });

  it('any single byte of the encoded envelope, flipped', () => {
    for (const bytes of [second, first]) {
      for (let at = 0; at < bytes.length; at++) {
        const tampered = flipped(bytes, at, 0x01);
        expect(bobReads(tampered, true).status, `byte ${at} of ${bytes.length}`).not.toBe('verified');
      }
    }
  });
});

describe('garbage never throws past parseEnvelope', () => {
  const anyKey = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b));

  it('random bytes: parseEnvelope throws BadEnvelopeError, or openMessage says undecryptable', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), anyKey, (bytes, key) => expectGarbageHandled(bytes, key)),
      { numRuns: 2000 },
    );
  });

  it('random MessagePack values, and envelope-shaped maps of random fields', () => {
    const bin = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Buffer.from(b));
    const envelopeLike = fc.record(
      {
        v: fc.oneof(fc.constant(1), fc.integer()),
        s: fc.oneof(bin(16, 16), bin(0, 20)),
        n: fc.oneof(fc.nat(), fc.integer(), fc.double()),
        k: fc.array(fc.tuple(fc.oneof(fc.nat(), fc.string()), bin(0, 400)), { maxLength: 3 }),
        iv: fc.oneof(bin(12, 12), bin(0, 16)),
        c: bin(0, 64),
        sig: bin(0, 400),
      },
      { requiredKeys: [] },
    );
    const value = fc.oneof(
      fc.anything(),
      envelopeLike,
      envelopeLike.map((e) => ({ v: 1, s: randomBytes(16), n: 0, iv: randomBytes(12), c: randomBytes(32), sig: randomBytes(384), ...e })),
    );
    fc.assert(
      fc.property(value, anyKey, (v, key) => expectGarbageHandled(msgpack.pack(v), key)),
      { numRuns: 2000 },
    );
  });

  function expectGarbageHandled(bytes: Uint8Array, key: Buffer): void {
    let envelope;
    try {
      envelope = parseEnvelope(bytes);
    } catch (error) {
      expect(error).toBeInstanceOf(BadEnvelopeError);
      expect(bobReads(bytes, true)).toEqual({ status: 'undecryptable', reason: 'malformed' });
      return;
    }
    const opened = openMessage({
      envelope,
      conversationId: CONVERSATION,
      senderId: ALICE,
      sessionKey: key,
      senderPublicKey: users.publicKey(ALICE),
    });
    expect(opened.status).toBe('undecryptable');
    expect(bobReads(bytes, true).status).toBe('undecryptable');
  }
});
