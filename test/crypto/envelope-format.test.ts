import { randomBytes } from 'node:crypto';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../src/crypto/envelope.js';
import { BadEnvelopeError } from '../../src/crypto/errors.js';

const msgpack = new Packr({ useRecords: false, mapsAsObjects: true });
const valid = () => ({
  v: 1,
  s: randomBytes(16),
  n: 0,
  k: [
    [1, randomBytes(384)],
    [5, randomBytes(384)],
    [9, randomBytes(384)],
  ] as [number, Buffer][],
  iv: randomBytes(12),
  c: randomBytes(40),
  sig: randomBytes(384),
});

describe('parseEnvelope', () => {
  it('reads every field of a plain MessagePack map', () => {
    const fields = valid();
    const envelope = parseEnvelope(msgpack.pack(fields));
    expect(envelope).toMatchObject({
      version: 1,
      sessionId: fields.s,
      index: 0,
      iv: fields.iv,
      ciphertext: fields.c,
      signature: fields.sig,
      carriesKeys: true,
    });
    expect(envelope.wrappedKeyFor(5)).toEqual(fields.k[1]![1]);
    expect(envelope.wrappedKeyFor(9)).toEqual(fields.k[2]![1]);
    expect(envelope.wrappedKeyFor(4)).toBeUndefined();
    const { k: _k, ...later } = { ...fields, n: 7 };
    expect(parseEnvelope(msgpack.pack(later))).toMatchObject({ index: 7, carriesKeys: false });
  });

  it('reads a plain Uint8Array (not a Buffer) and a subarray view the same way', () => {
    const fields = valid();
    const bytes = msgpack.pack(fields);
    const plain = new Uint8Array(bytes);
    const framed = new Uint8Array([9, 9, ...bytes, 9]).subarray(2, 2 + bytes.length);
    for (const input of [plain, framed]) {
      const envelope = parseEnvelope(input);
      expect(Buffer.isBuffer(envelope.ciphertext)).toBe(true);
      expect(envelope.wrappedKeyFor(5)).toEqual(fields.k[1]![1]);
    }
  });

  it('copies its fields out of the input buffer', () => {
    const bytes = msgpack.pack(valid());
    const envelope = parseEnvelope(bytes);
    const before = Buffer.from(envelope.ciphertext);
    bytes.fill(0);
    expect(envelope.ciphertext).toEqual(before);
  });

  const cases: [string, (f: Record<string, unknown>) => void][] = [
    ['an unknown version', (f) => (f.v = 2)],
    ['a missing version', (f) => delete f.v],
    ['a short session id', (f) => (f.s = randomBytes(15))],
    ['a string session id', (f) => (f.s = 'x'.repeat(16))],
    ['a negative index', (f) => (f.n = -1)],
    ['a fractional index', (f) => (f.n = 1.5)],
    ['an index past u32', (f) => (f.n = 2 ** 32)],
    ['an 11-byte IV', (f) => (f.iv = randomBytes(11))],
    ['a ciphertext shorter than a tag', (f) => (f.c = randomBytes(15))],
    ['an empty signature', (f) => (f.sig = Buffer.alloc(0))],
    ['an empty key list', (f) => (f.k = [])],
    [
      'keys out of order',
      (f) =>
        (f.k = [
          [5, randomBytes(8)],
          [1, randomBytes(8)],
        ]),
    ],
    [
      'a repeated key holder',
      (f) =>
        (f.k = [
          [5, randomBytes(8)],
          [5, randomBytes(8)],
        ]),
    ],
    ['a malformed key entry', (f) => (f.k = [[5]])],
    ['an unknown field', (f) => (f.extra = 1)],
  ];
  it.each(cases)('throws BadEnvelopeError on %s', (_name, change) => {
    const fields: Record<string, unknown> = valid();
    change(fields);
    expect(() => parseEnvelope(msgpack.pack(fields))).toThrow(BadEnvelopeError);
  });

  it('throws BadEnvelopeError on non-maps, truncation and trailing bytes', () => {
    const bytes = msgpack.pack(valid());
    for (const bad of [
      Buffer.alloc(0),
      msgpack.pack([1, 2]),
      msgpack.pack(null),
      bytes.subarray(0, bytes.length - 1),
      Buffer.concat([bytes, Buffer.of(0)]),
    ]) {
      expect(() => parseEnvelope(bad)).toThrow(BadEnvelopeError);
    }
  });
});
