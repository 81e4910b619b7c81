import { describe, expect, it } from 'vitest';
import {
  EmptyFrameError,
  FrameDecoder,
  FrameTooLargeError,
  MalformedPayloadError,
  NotAMessageError,
  ProtocolError,
  type RawMessage,
} from '../../src/protocol/index.js';
import { frame, header, msgpack, splits } from '../support/frame-builder.js';

function decodeAll(chunks: Buffer[], decoder = new FrameDecoder()): RawMessage[] {
  const out: RawMessage[] = [];
  for (const chunk of chunks) decoder.feed(chunk, (m) => out.push(m));
  return out;
}

const ping = frame({ t: 'ping', id: 7 });
const hello = frame({ t: 'hello', id: 1, versions: [1], client: 'tést ✓' });

describe('FrameDecoder', () => {
  it('decodes a hand-built frame to its map', () => {
    expect(decodeAll([ping])).toEqual([{ t: 'ping', id: 7 }]);
  });

  it('decodes frames coalesced in one chunk, in order', () => {
    expect(decodeAll([Buffer.concat([hello, ping, ping])])).toEqual([
      { t: 'hello', id: 1, versions: [1], client: 'tést ✓' },
      { t: 'ping', id: 7 },
      { t: 'ping', id: 7 },
    ]);
  });

  it('gives the same frames for every split point of a two-frame stream', () => {
    const stream = Buffer.concat([hello, ping]);
    const expected = decodeAll([stream]);
    for (const [a, b] of splits(stream)) expect(decodeAll([a, b])).toEqual(expected);
  });

  it('decodes a stream fed one byte at a time', () => {
    const stream = Buffer.concat([hello, ping, hello]);
    const bytes = [...stream].map((b) => Buffer.from([b]));
    expect(decodeAll(bytes)).toEqual(decodeAll([stream]));
  });

  it('copies binary fields out of its buffer, so later chunks cannot overwrite them', () => {
    const decoder = new FrameDecoder();
    const first = frame({ t: 'x', b: Buffer.from([1, 2, 3]) });
    const out: RawMessage[] = [];
    // Cut inside the first frame so the decoder keeps (and later compacts) its own buffer.
    decoder.feed(first.subarray(0, 5), (m) => out.push(m));
    decoder.feed(Buffer.concat([first.subarray(5), frame({ t: 'y', b: Buffer.from([9, 9, 9]) }).subarray(0, 6)]), (m) => out.push(m));
    decoder.feed(frame({ t: 'y', b: Buffer.from([9, 9, 9]) }).subarray(6), (m) => out.push(m));
    expect(out.map((m) => [...(m.b as Uint8Array)])).toEqual([
      [1, 2, 3],
      [9, 9, 9],
    ]);
  });

  it('rejects length 0', () => {
    expect(() => decodeAll([header(0)])).toThrow(EmptyFrameError);
  });

  it('rejects an oversized length on its header alone, holding none of the body', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 });
    // Only the header arrives: the error must not wait for (or make room for) the declared body.
    expect(() => decoder.feed(header(0xffff_fff0), () => {})).toThrow(FrameTooLargeError);
    expect(decoder.capacity).toBe(0);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('accepts a frame exactly at the limit and rejects one byte more', () => {
    const body = msgpack({ t: 'x', s: 'a'.repeat(100) });
    expect(decodeAll([frame(body)], new FrameDecoder({ maxFrameBytes: body.length }))).toHaveLength(1);
    const error = (() => {
      try {
        decodeAll([frame(body)], new FrameDecoder({ maxFrameBytes: body.length - 1 }));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(FrameTooLargeError);
    expect(error).toMatchObject({ code: 'frame_too_large', declared: body.length, limit: body.length - 1 });
  });

  it('rejects a body that is not MessagePack, or has trailing bytes', () => {
    expect(() => decodeAll([frame(Buffer.from([0x92, 0x01]))])).toThrow(MalformedPayloadError);
    expect(() => decodeAll([frame(Buffer.concat([msgpack({ t: 'x' }), Buffer.from([0x01])]))])).toThrow(MalformedPayloadError);
  });

  it.each([
    ['an array', [1, 2]],
    ['a string', 'hello'],
    ['an integer', 5],
    ['nil', null],
    ['binary', new Uint8Array([1])],
  ])('rejects a body that is %s rather than a map', (_, value) => {
    expect(() => decodeAll([frame(value)])).toThrow(NotAMessageError);
  });

  it.each([
    ['no t', { id: 1 }],
    ['a numeric t', { t: 3 }],
    ['an empty t', { t: '' }],
  ])('rejects a map with %s', (_, value) => {
    expect(() => decodeAll([frame(value)])).toThrow(/missing string field t/);
  });

  it('stays failed after an error: the stream can no longer be trusted', () => {
    const decoder = new FrameDecoder();
    expect(() => decoder.feed(header(0), () => {})).toThrow(ProtocolError);
    expect(() => decoder.feed(ping, () => {})).toThrow(EmptyFrameError);
  });

  it('does not turn a __proto__ key into a prototype', () => {
    const body = Buffer.concat([Buffer.from([0x82]), msgpack('t'), msgpack('x'), msgpack('__proto__'), msgpack({ polluted: true })]);
    const [message] = decodeAll([frame(body)]);
    expect(Object.getPrototypeOf(message)).toBe(Object.prototype);
    expect((message as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('releases its buffer once every frame is complete', () => {
    const decoder = new FrameDecoder();
    decoder.feed(hello.subarray(0, 3), () => {});
    decoder.feed(hello.subarray(3), () => {});
    expect(decoder.bufferedBytes).toBe(0);
    expect(decoder.capacity).toBe(0);
  });
});
