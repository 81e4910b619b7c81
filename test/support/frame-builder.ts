/**
 * Builds frame bytes by hand, independently of the encoder under test (house rule 11): a minimal
 * MessagePack writer for maps of strings, small integers, booleans, nil and binary.
 */
export type FixtureValue = string | number | boolean | null | Uint8Array | FixtureValue[] | { [key: string]: FixtureValue };

export function msgpack(value: FixtureValue): Buffer {
  if (value === null) return Buffer.from([0xc0]);
  if (value === true) return Buffer.from([0xc3]);
  if (value === false) return Buffer.from([0xc2]);
  if (typeof value === 'number') return int(value);
  if (typeof value === 'string') return str(value);
  if (value instanceof Uint8Array) {
    if (value.length > 0xff) throw new RangeError('fixture binary too long');
    return Buffer.concat([Buffer.from([0xc4, value.length]), value]);
  }
  if (Array.isArray(value)) {
    if (value.length > 15) throw new RangeError('fixture array too long');
    return Buffer.concat([Buffer.from([0x90 | value.length]), ...value.map(msgpack)]);
  }
  const entries = Object.entries(value);
  if (entries.length > 15) throw new RangeError('fixture map too long');
  return Buffer.concat([Buffer.from([0x80 | entries.length]), ...entries.flatMap(([k, v]) => [str(k), msgpack(v)])]);
}

function int(n: number): Buffer {
  if (!Number.isInteger(n)) throw new RangeError('fixture numbers are integers');
  if (n >= 0 && n < 0x80) return Buffer.from([n]);
  if (n < 0 && n >= -32) return Buffer.from([0xe0 | (n + 32)]);
  if (n >= 0 && n <= 0xffff_ffff) {
    const b = Buffer.alloc(5);
    b[0] = 0xce;
    b.writeUInt32BE(n, 1);
    return b;
  }
  throw new RangeError('fixture integer out of range');
}

function str(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length < 32) return Buffer.concat([Buffer.from([0xa0 | bytes.length]), bytes]);
  if (bytes.length <= 0xff) return Buffer.concat([Buffer.from([0xd9, bytes.length]), bytes]);
  throw new RangeError('fixture string too long');
}

/** A frame: 4-byte big-endian length, then `body` (raw bytes, or a value to encode). */
export function frame(body: FixtureValue | Buffer): Buffer {
  const bytes = Buffer.isBuffer(body) ? body : msgpack(body);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(bytes.length, 0);
  return Buffer.concat([header, bytes]);
}

/** A bare frame header declaring `length` bytes, with no body. */
export function header(length: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(length, 0);
  return b;
}

/** Every way to cut `bytes` in two. */
export function* splits(bytes: Buffer): Generator<[Buffer, Buffer]> {
  for (let i = 0; i <= bytes.length; i++) yield [bytes.subarray(0, i), bytes.subarray(i)];
}
