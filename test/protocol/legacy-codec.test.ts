import { describe, expect, it } from 'vitest';
import {
  LegacyJsonDecoder,
  LegacyOverflowError,
  LegacySyntaxError,
  encodeLegacyBare,
  encodeLegacyJson,
  type LegacyObject,
} from '../../src/protocol/index.js';
import { splits } from '../support/frame-builder.js';

function decodeAll(chunks: Array<Buffer | string>, decoder = new LegacyJsonDecoder()): LegacyObject[] {
  const out: LegacyObject[] = [];
  for (const chunk of chunks) decoder.feed(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, (o) => out.push(o));
  return out;
}

describe('LegacyJsonDecoder', () => {
  it('ignores braces and escaped quotes inside strings', () => {
    expect(decodeAll(['{"text":"a}b{c\\"}"}'])).toEqual([{ text: 'a}b{c"}' }]);
  });

  it('splits objects written back to back, with or without whitespace between them', () => {
    const stream = '{"info-type":"get-users"}{"info-type":"kill_thread"} \n\t\r {"a":{"b":[1,{"c":"}"}]}}';
    expect(decodeAll([stream])).toEqual([{ 'info-type': 'get-users' }, { 'info-type': 'kill_thread' }, { a: { b: [1, { c: '}' }] } }]);
  });

  it('gives the same objects for every split point, including inside multi-byte UTF-8 characters', () => {
    const stream = Buffer.from('{"text":"héllo 🙂 {\\\\\\"}"}  {"name":"日本"}');
    const expected = decodeAll([stream]);
    expect(expected).toEqual([{ text: 'héllo 🙂 {\\"}' }, { name: '日本' }]);
    for (const [a, b] of splits(stream)) expect(decodeAll([a, b])).toEqual(expected);
  });

  it('keeps an object cut inside a 4-byte character until the rest arrives', () => {
    const bytes = Buffer.from('{"e":"🙂"}');
    const cut = bytes.indexOf(0xf0) + 2;
    const decoder = new LegacyJsonDecoder();
    const out: LegacyObject[] = [];
    decoder.feed(bytes.subarray(0, cut), (o) => out.push(o));
    expect(out).toEqual([]);
    expect(decoder.bufferedBytes).toBe(cut);
    decoder.feed(bytes.subarray(cut), (o) => out.push(o));
    expect(out).toEqual([{ e: '🙂' }]);
  });

  it('decodes a stream fed one byte at a time', () => {
    const stream = Buffer.from('{"a":"\\\\"}{"b":"\\"{"}');
    expect(decodeAll([...stream].map((b) => Buffer.from([b])))).toEqual([{ a: '\\' }, { b: '"{' }]);
  });

  it('rejects bytes between objects that are not whitespace', () => {
    expect(() => decodeAll(['{"a":1}x'])).toThrow(LegacySyntaxError);
    expect(() => decodeAll(['"string"'])).toThrow(LegacySyntaxError);
    expect(() => decodeAll(['[1]'])).toThrow(LegacySyntaxError);
  });

  it('rejects an object that JSON.parse refuses', () => {
    expect(() => decodeAll(['{"a":}'])).toThrow(LegacySyntaxError);
    expect(() => decodeAll(['{"a":1]'])).toThrow(LegacySyntaxError);
    expect(() => decodeAll(['{a:1}'])).toThrow(LegacySyntaxError);
  });

  it('cuts off an object that never closes at the cap', () => {
    const decoder = new LegacyJsonDecoder({ maxObjectBytes: 1000 });
    decoder.feed(Buffer.from('{"text":"' + 'x'.repeat(900)), () => {});
    expect(() => decoder.feed(Buffer.from('y'.repeat(200)), () => {})).toThrow(LegacyOverflowError);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('cuts off an endless string at the cap, even in one large chunk', () => {
    expect(() => decodeAll(['{"a":"' + 'z'.repeat(70_000)])).toThrow(LegacyOverflowError);
  });

  it('accepts an object of exactly the cap', () => {
    const object = '{"t":"' + 'x'.repeat(92) + '"}';
    expect(Buffer.byteLength(object)).toBe(100);
    expect(decodeAll([object], new LegacyJsonDecoder({ maxObjectBytes: 100 }))).toHaveLength(1);
    expect(() => decodeAll([object], new LegacyJsonDecoder({ maxObjectBytes: 99 }))).toThrow(LegacyOverflowError);
  });

  it('rejects nesting deeper than the limit', () => {
    expect(() => decodeAll(['{"a":' + '['.repeat(40)], new LegacyJsonDecoder({ maxDepth: 32 }))).toThrow(LegacyOverflowError);
  });

  it('stays failed after an error', () => {
    const decoder = new LegacyJsonDecoder();
    expect(() => decoder.feed(Buffer.from('x'), () => {})).toThrow(LegacySyntaxError);
    expect(() => decoder.feed(Buffer.from('{}'), () => {})).toThrow(LegacySyntaxError);
  });
});

describe('legacy encoders', () => {
  it('writes JSON with non-ASCII characters escaped, as Python json.dumps does', () => {
    const bytes = encodeLegacyJson({ 'info-type': 'inst-msg', text: 'é 🙂', sender: 'ab' });
    expect(bytes.toString('latin1')).toBe('{"info-type":"inst-msg","text":"\\u00e9 \\ud83d\\ude42","sender":"ab"}');
    expect([...bytes].every((b) => b < 0x80)).toBe(true);
    expect(JSON.parse(bytes.toString())).toEqual({ 'info-type': 'inst-msg', text: 'é 🙂', sender: 'ab' });
  });

  it('round-trips its own output through the decoder', () => {
    const objects = [{ 'info-type': 'get-users', list: [['ALICE', '1']] }, { 'info-type': 'kill' }];
    expect(decodeAll([Buffer.concat(objects.map(encodeLegacyJson))])).toEqual(objects);
  });

  it('writes bare replies as plain ASCII with nothing around them', () => {
    expect(encodeLegacyBare('8003')).toEqual(Buffer.from('8003'));
    expect(encodeLegacyBare('1')).toEqual(Buffer.from([0x31]));
    expect(() => encodeLegacyBare('é')).toThrow(RangeError);
  });
});
