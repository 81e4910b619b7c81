import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DECODE_BOUNDS,
  DEFAULT_MAX_FRAME_BYTES,
  GROUP_MEMBERS_MAX,
  GROUP_NAME_MAX,
  KEY_BACKUP_MAX_BYTES,
  PUBLIC_KEY_MAX_BYTES,
  PUSH_SCHEMAS,
  REQUEST_SCHEMAS,
  RESULT_SCHEMAS,
  ROUTE_AVOID_MAX,
  SECRET_MAX_BYTES,
  SYNC_CURSORS_MAX,
  USER_IDS_MAX,
  USER_NAME_MAX,
  FrameDecoder,
  FrameTooComplexError,
  MalformedPayloadError,
  PRE_LOGIN_FRAME_LIMITS,
  checkDecodeBounds,
  encodeFrame,
  type DecodeBounds,
} from '../../src/protocol/index.js';
import { packValue } from '../../src/protocol/msgpack.js';
import { msgpack } from '../support/frame-builder.js';

const loose: DecodeBounds = { maxDepth: 64, maxMapEntries: 1_000_000, maxItems: Number.MAX_SAFE_INTEGER };
const check = (bytes: Buffer, bounds: DecodeBounds = loose) => checkDecodeBounds(bytes, 0, bytes.length, bounds);

/** A map16 / array32 header by hand, then its entries: the scan must read the long forms too. */
const map16 = (entries: number, body: Buffer) => Buffer.concat([Buffer.from([0xde, entries >> 8, entries & 0xff]), body]);
const array32 = (count: number, body: Buffer) => {
  const head = Buffer.alloc(5);
  head[0] = 0xdd;
  head.writeUInt32BE(count, 1);
  return Buffer.concat([head, body]);
};
const manyKeys = (n: number) => map16(n, Buffer.concat(Array.from({ length: n }, (_, i) => Buffer.concat([msgpack(`k${i}`), msgpack(0)]))));
const nested = (depth: number): Buffer => (depth === 0 ? msgpack(1) : Buffer.concat([Buffer.from([0x91]), nested(depth - 1)]));

describe('checkDecodeBounds', () => {
  // Anything MessagePack can say in our format (maps, arrays, strings, binary, integers of every
  // width, floats, booleans, nil), as msgpackr encodes it, passes a scan with room enough.
  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    leaf: fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.uint8Array({ maxLength: 70_000 }).map((b) => Buffer.from(b)),
      fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
      fc.maxSafeInteger(),
      fc.double({ noNaN: true }),
      fc.boolean(),
      fc.constant(null),
    ),
    node: fc.oneof(
      { depthSize: 'small' },
      tie('leaf'),
      fc.array(tie('node'), { maxLength: 20 }),
      fc.dictionary(fc.string({ maxLength: 8 }), tie('node'), { maxKeys: 20 }),
    ),
  })).node;

  it('accepts every value the wire encoder writes', () => {
    fc.assert(
      fc.property(value, (v) => check(packValue(v))),
      { numRuns: 300 },
    );
  });

  it('counts entries of every container, at every depth, against maxItems', () => {
    // 3 entries in the outer map, 4 elements in the array, 2 entries in the inner map: 9 items.
    const bytes = packValue({ a: [1, 2, 3, { b: 1, c: 2 }], d: 1, e: 2 });
    expect(() => check(bytes, { ...loose, maxItems: 9 })).not.toThrow();
    expect(() => check(bytes, { ...loose, maxItems: 8 })).toThrow(FrameTooComplexError);
  });

  it('refuses a map with more entries than maxMapEntries, in the 16-bit form too', () => {
    expect(() => check(manyKeys(64), { ...loose, maxMapEntries: 64 })).not.toThrow();
    expect(() => check(manyKeys(65), { ...loose, maxMapEntries: 64 })).toThrow(/a map of 65 entries; at most 64 per map/);
  });

  it('refuses nesting deeper than maxDepth, counting the outer container as depth 1', () => {
    expect(() => check(nested(8), { ...loose, maxDepth: 8 })).not.toThrow();
    expect(() => check(nested(9), { ...loose, maxDepth: 8 })).toThrow(/nested more than 8 deep/);
    // An empty container nests as deep as a full one.
    expect(() => check(Buffer.concat([Buffer.from([0x91, 0x91]), Buffer.from([0x90])]), { ...loose, maxDepth: 2 })).toThrow(
      FrameTooComplexError,
    );
  });

  it('refuses a count the rest of the body cannot hold, before believing it', () => {
    // An array of four billion elements in a five-byte body.
    expect(() => check(array32(0xffff_fff0, Buffer.alloc(0)))).toThrow(MalformedPayloadError);
  });

  it('refuses truncated values, trailing bytes, the unused byte 0xc1 and every extension type', () => {
    const whole = packValue({ t: 'ping', id: 1, body: Buffer.alloc(100) });
    for (let cut = 1; cut < whole.length; cut++) expect(() => check(whole.subarray(0, cut))).toThrow(MalformedPayloadError);
    expect(() => check(Buffer.concat([whole, Buffer.from([0x01])]))).toThrow(/1 bytes left over/);
    expect(() => check(Buffer.from([0xc1]))).toThrow(MalformedPayloadError);
    for (const ext of [0xc7, 0xc8, 0xc9, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8]) {
      expect(() => check(Buffer.from([0x81, 0xa1, 0x74, ext, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toThrow(
        /extension type/,
      );
    }
  });
});

describe('FrameDecoder with decode bounds', () => {
  it('refuses a frame past its bounds before decoding it, and is poisoned after', () => {
    const decoder = new FrameDecoder({ limits: { ...PRE_LOGIN_FRAME_LIMITS } });
    const seen: unknown[] = [];
    const body = manyKeys(PRE_LOGIN_FRAME_LIMITS.maxMapEntries + 1);
    const framed = Buffer.concat([encodeFrame({ t: 'ping', id: 1 }), Buffer.from([0, 0, body.length >> 8, body.length & 0xff]), body]);
    expect(() => decoder.feed(framed, (m) => seen.push(m))).toThrow(FrameTooComplexError);
    expect(seen).toEqual([{ t: 'ping', id: 1 }]);
    expect(() => decoder.feed(encodeFrame({ t: 'ping', id: 2 }), (m) => seen.push(m))).toThrow(FrameTooComplexError);
  });

  it('asks a limits function again at each frame, so the limits can change between frames', () => {
    let limits = { ...PRE_LOGIN_FRAME_LIMITS };
    const decoder = new FrameDecoder({ limits: () => limits });
    const big = encodeFrame({ t: 'send', id: 3, body: Buffer.alloc(PRE_LOGIN_FRAME_LIMITS.maxFrameBytes) });
    const seen: string[] = [];
    decoder.feed(encodeFrame({ t: 'login', id: 2 }), (m) => seen.push(m.t));
    limits = { ...DEFAULT_DECODE_BOUNDS, maxFrameBytes: 1024 * 1024 };
    decoder.feed(big, (m) => seen.push(m.t));
    expect(seen).toEqual(['login', 'send']);
  });
});

describe('the bounds leave room for every legal message', () => {
  const fits = (message: Record<string, unknown>, limits: DecodeBounds & { maxFrameBytes: number }) => {
    const bytes = packValue(message);
    expect(bytes.length).toBeLessThanOrEqual(limits.maxFrameBytes);
    expect(() => check(bytes, limits)).not.toThrow();
  };

  it('the largest signup, and a hello and a route at their limits, fit before login', () => {
    fits(
      {
        t: 'signup',
        id: 0xffff_ffff,
        name: 'a'.repeat(USER_NAME_MAX),
        secret: Buffer.alloc(SECRET_MAX_BYTES),
        publicKey: Buffer.alloc(PUBLIC_KEY_MAX_BYTES),
        keyBackup: Buffer.alloc(KEY_BACKUP_MAX_BYTES),
        legacyKey: Buffer.alloc(PUBLIC_KEY_MAX_BYTES),
      },
      PRE_LOGIN_FRAME_LIMITS,
    );
    fits({ t: 'hello', id: 1, versions: Array.from({ length: 16 }, (_, i) => i + 1), client: 'x'.repeat(64) }, PRE_LOGIN_FRAME_LIMITS);
    fits(
      { t: 'route', id: 1, avoid: Array.from({ length: ROUTE_AVOID_MAX }, () => ({ host: 'h'.repeat(255), port: 65535 })) },
      PRE_LOGIN_FRAME_LIMITS,
    );
  });

  it('the largest sync, group_create and users requests fit after login', () => {
    const after = { ...DEFAULT_DECODE_BOUNDS, maxFrameBytes: DEFAULT_MAX_FRAME_BYTES };
    fits({ t: 'sync', id: 1, cursors: Array.from({ length: SYNC_CURSORS_MAX }, (_, i) => [2 ** 31 + i, 2 ** 40 + i]) }, after);
    fits(
      {
        t: 'group_create',
        id: 1,
        name: 'g'.repeat(GROUP_NAME_MAX),
        members: Array.from({ length: GROUP_MEMBERS_MAX }, (_, i) => 2 ** 31 + i),
      },
      after,
    );
    fits({ t: 'users', id: 1, ids: Array.from({ length: USER_IDS_MAX }, (_, i) => 2 ** 31 + i) }, after);
  });

  it('every request, result and push schema has fewer fields than a map may hold', () => {
    const schemas = [...Object.values(REQUEST_SCHEMAS), ...Object.values(RESULT_SCHEMAS), ...Object.values(PUSH_SCHEMAS)];
    for (const schema of schemas) {
      const fields = Object.keys((schema as { shape: object }).shape).length;
      expect(fields).toBeLessThan(PRE_LOGIN_FRAME_LIMITS.maxMapEntries);
    }
  });
});
