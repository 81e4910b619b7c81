import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FrameDecoder,
  LegacyJsonDecoder,
  ProtocolError,
  encodeFrame,
  encodeLegacyJson,
  type LegacyObject,
  type RawMessage,
} from '../../src/protocol/index.js';

/** Cuts `bytes` at the given (unsorted, possibly repeated) points. */
function cut(bytes: Buffer, points: number[]): Buffer[] {
  const sorted = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let last = 0;
  for (const point of sorted) {
    chunks.push(bytes.subarray(last, point));
    last = point;
  }
  chunks.push(bytes.subarray(last));
  return chunks;
}

const fieldValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.boolean(),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }),
);
const message = fc.record({
  t: fc.string({ minLength: 1, maxLength: 12, unit: 'binary' }),
  id: fc.nat(),
  a: fieldValue,
  b: fc.dictionary(
    fc.string({ maxLength: 6 }).filter((k) => k !== '__proto__'),
    fieldValue,
    { maxKeys: 3 },
  ),
});

const jsonValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('{', '}', '"', '\\', '{"a":"}"}', '\\"}'),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const legacyObject = fc.record({
  'info-type': fc.constantFrom('send-message', 'login', 'get-users'),
  text: jsonValue,
  nested: fc.array(fc.tuple(jsonValue, jsonValue), { maxLength: 3 }),
});

describe('codec properties', () => {
  it('framed: any messages, encoded and cut at random points, decode to the same messages', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), (messages, points) => {
        const stream = Buffer.concat(messages.map((m) => encodeFrame(m)));
        const decoder = new FrameDecoder();
        const out: RawMessage[] = [];
        for (const chunk of cut(stream, points)) decoder.feed(chunk, (m) => out.push(m));
        expect(out).toEqual(messages);
        expect(decoder.bufferedBytes).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('legacy: any objects, written back to back and cut at random points, decode to the same objects', () => {
    fc.assert(
      fc.property(
        fc.array(legacyObject, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        (objects, points, raw) => {
          // Both the escaped form we write and the raw UTF-8 form a Python client may write.
          const encode = (o: LegacyObject) => (raw ? Buffer.from(JSON.stringify(o)) : encodeLegacyJson(o));
          const stream = Buffer.concat(objects.map(encode));
          const decoder = new LegacyJsonDecoder();
          const out: LegacyObject[] = [];
          for (const chunk of cut(stream, points)) decoder.feed(chunk, (o) => out.push(o));
          expect(out).toEqual(objects);
          expect(decoder.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('random bytes raise nothing but the codecs’ own errors', () => {
    const onlyProtocolErrors = (feed: () => void) => {
      try {
        feed();
      } catch (error) {
        expect(error).toBeInstanceOf(ProtocolError);
      }
    };
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 6 }), fc.boolean(), (chunks, framedStart) => {
        const framed = new FrameDecoder({ maxFrameBytes: 4096 });
        const legacy = new LegacyJsonDecoder({ maxObjectBytes: 4096 });
        // Half the runs start like a real frame so the MessagePack layer is reached, not just the header check.
        const first = framedStart ? [Uint8Array.from([0, 0, 0, chunks[0]?.length ?? 1])] : [];
        onlyProtocolErrors(() => [...first, ...chunks].forEach((c) => framed.feed(c, () => {})));
        onlyProtocolErrors(() => chunks.forEach((c) => legacy.feed(c, () => {})));
      }),
      { numRuns: 2000 },
    );
  });
});
