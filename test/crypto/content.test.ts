import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { decodeContent, encodeContent } from '../../src/crypto/envelope.js';
import { BadEnvelopeError } from '../../src/crypto/errors.js';

const msgpack = new Packr({ useRecords: false, mapsAsObjects: true });

describe('message content', () => {
  it('round-trips any text and time', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (text, sentAt) => {
        expect(decodeContent(encodeContent({ text, sentAt }))).toEqual({ text, sentAt });
      }),
    );
  });

  it('is a plain MessagePack map {text, sentAt} (readable without msgpackr records)', () => {
    expect(msgpack.unpack(encodeContent({ text: 'hi', sentAt: 5 }))).toEqual({ text: 'hi', sentAt: 5 });
  });

  it('refuses to encode a negative or fractional time', () => {
    expect(() => encodeContent({ text: 'x', sentAt: -1 })).toThrow(RangeError);
    expect(() => encodeContent({ text: 'x', sentAt: 1.5 })).toThrow(RangeError);
  });

  it('throws BadEnvelopeError on anything else', () => {
    const bad = [
      Buffer.alloc(0),
      Buffer.from([0xc1]),
      msgpack.pack('text'),
      msgpack.pack({ text: 'x' }),
      msgpack.pack({ text: 1, sentAt: 1 }),
      msgpack.pack({ text: 'x', sentAt: -1 }),
      msgpack.pack({ text: 'x', sentAt: 1, extra: true }),
      Buffer.concat([encodeContent({ text: 'x', sentAt: 1 }), Buffer.from([0])]),
    ];
    for (const bytes of bad) expect(() => decodeContent(bytes), bytes.toString('hex')).toThrow(BadEnvelopeError);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeContent(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(BadEnvelopeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
