import { hkdfSync, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentAssociatedData, hkdfSha256, messageKey, signedTranscript, wrapLabel } from '../../src/crypto/envelope-binding.js';

const header = { conversationId: 7, senderId: 1, sessionId: Buffer.alloc(16, 9), index: 3 };
const body = {
  wrappedKeys: [
    [1, Buffer.alloc(4, 1)],
    [2, Buffer.alloc(4, 2)],
  ] as [number, Buffer][],
  iv: Buffer.alloc(12, 3),
  ciphertext: Buffer.alloc(20, 4),
};

describe('envelope binding', () => {
  it('hkdfSha256 equals node:crypto hkdfSync (RFC 5869) for any input', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ maxLength: 64 }),
        (ikm, salt, info) => {
          const expected = Buffer.from(hkdfSync('sha256', ikm, salt, info, 32));
          expect(hkdfSha256(Buffer.from(ikm), Buffer.from(salt), Buffer.from(info))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('derives a different message key per index and per session', () => {
    const key = randomBytes(32);
    const keys = new Set([0, 1, 2, 0xffff_ffff].map((n) => messageKey(key, header.sessionId, n).toString('hex')));
    keys.add(messageKey(key, Buffer.alloc(16, 8), 0).toString('hex'));
    expect(keys.size).toBe(5);
  });

  it('changes the AAD, the transcript and the wrap label whenever any bound field changes', () => {
    const variants = [
      header,
      { ...header, conversationId: 8 },
      { ...header, senderId: 2 },
      { ...header, conversationId: 2 ** 32 + 7 },
      { ...header, sessionId: Buffer.alloc(16, 8) },
      { ...header, index: 4 },
    ];
    expect(new Set(variants.map((h) => contentAssociatedData(h).toString('hex'))).size).toBe(variants.length);
    expect(new Set(variants.map((h) => signedTranscript(h, body).toString('hex'))).size).toBe(variants.length);
    expect(wrapLabel(header.sessionId, 1)).not.toEqual(wrapLabel(header.sessionId, 2));
  });

  it('keeps field boundaries in the transcript: moving bytes between fields changes it', () => {
    const moved = {
      ...body,
      iv: Buffer.alloc(12, 3),
      ciphertext: Buffer.concat([Buffer.alloc(4, 2), Buffer.alloc(16, 4)]),
      wrappedKeys: [
        [1, Buffer.alloc(4, 1)],
        [2, Buffer.alloc(0)],
      ] as [number, Buffer][],
    };
    expect(signedTranscript(header, moved)).not.toEqual(signedTranscript(header, body));
    const noKeys = { ...body, wrappedKeys: [] };
    expect(signedTranscript(header, noKeys)).not.toEqual(signedTranscript(header, body));
  });
});
