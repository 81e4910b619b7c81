import fc from 'fast-check';
import { packValue } from '../../src/protocol/msgpack.js';
import { opening, validRequest, type Fields } from './requests.js';
import { weirdValue } from './values.js';

/** One write of a fuzz connection: bytes, cut into chunks at `cuts`, perhaps glued to the next write. */
export interface Action {
  readonly bytes: Buffer;
  readonly cuts: readonly number[];
  /** Held back and sent in the same chunk as the next action's bytes. */
  readonly coalesce: boolean;
}

/** A request with its id: the connection's own sequence number unless the mutation replaced it. */
export type IdSlot = { readonly id: unknown } | 'sequential';

/** Field-level mutations of a valid request: the bytes are still one well-formed frame. */
const fieldMutation: fc.Arbitrary<(request: Fields) => Fields> = fc.oneof(
  { weight: 10, arbitrary: fc.constant((r: Fields) => r) },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.nat(), weirdValue).map(
      ([at, value]) =>
        (r: Fields) =>
          replaceField(r, at, value),
    ),
  },
  { weight: 2, arbitrary: fc.nat().map((at) => (r: Fields) => dropField(r, at)) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.string({ maxLength: 12 }), weirdValue).map(([key, value]) => (r: Fields) => ({ ...r, [key]: value })),
  },
  { weight: 1, arbitrary: weirdValue.map((value) => (r: Fields) => ({ ...r, id: value })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((t) => (r: Fields) => ({ ...r, t })) },
);

function replaceField(request: Fields, at: number, value: unknown): Fields {
  const keys = Object.keys(request);
  return { ...request, [keys[at % keys.length]!]: value };
}

function dropField(request: Fields, at: number): Fields {
  const keys = Object.keys(request);
  const copy = { ...request };
  delete copy[keys[at % keys.length]!];
  return copy;
}

/** A frame: 4-byte big-endian length, then the body. */
export function frameOf(body: Buffer, declared = body.length): Buffer {
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32BE(declared >>> 0, 0);
  body.copy(out, 4);
  return out;
}

/** Byte-level mutations of one frame: most break framing, which must close the connection cleanly. */
const byteMutation: fc.Arbitrary<(frame: Buffer) => Buffer> = fc.oneof(
  { weight: 30, arbitrary: fc.constant((f: Buffer) => f) },
  // Body cut short but the length made to match: a well-framed, malformed MessagePack payload.
  { weight: 2, arbitrary: fc.nat().map((n) => (f: Buffer) => frameOf(f.subarray(4, 4 + 1 + (n % Math.max(1, f.length - 5))))) },
  // Cut short with the original length: the stream desynchronises and later frames land in this body.
  { weight: 2, arbitrary: fc.nat().map((n) => (f: Buffer) => f.subarray(0, n % f.length)) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(0, 1, 2 ** 20, 2 ** 20 + 1, 2 ** 24 - 1, 2 ** 32 - 1)
      .map((len) => (f: Buffer) => frameOf(f.subarray(4), len)),
  },
  {
    weight: 2,
    arbitrary: fc.integer({ min: -8, max: 8 }).map((delta) => (f: Buffer) => frameOf(f.subarray(4), Math.max(0, f.length - 4 + delta))),
  },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 })
      .map((flips) => (f: Buffer) => flip(f, flips)),
  },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => () => frameOf(Buffer.from(b))) },
  // Deep nesting: fixarray-of-one 0x91 repeated, then nil. Tests the unpacker's recursion.
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 100, max: 50_000 })
      .map((depth) => () => frameOf(Buffer.concat([Buffer.alloc(depth, 0x91), Buffer.from([0xc0])]))),
  },
  // Deep maps: {t: {t: {t: … nil}}}, each level a fixmap of one entry keyed "t".
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 100, max: 30_000 })
      .map((depth) => () => frameOf(Buffer.concat([Buffer.alloc(depth * 3).fill(Buffer.from([0x81, 0xa1, 0x74])), Buffer.from([0xc0])]))),
  },
  { weight: 1, arbitrary: fc.constant((f: Buffer) => Buffer.concat([f, f])) },
);

function flip(frame: Buffer, flips: ReadonlyArray<[number, number]>): Buffer {
  const copy = Buffer.from(frame);
  for (const [at, mask] of flips) copy[at % copy.length]! ^= mask;
  return copy;
}

const cuts = fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(fc.nat(), { maxLength: 4 }) });

/** One request after both mutations. `id` is undefined until the connection numbers it. */
const action = fc.record({ request: validRequest, field: fieldMutation, bytes: byteMutation, cuts, coalesce: fc.boolean() });

/** A framed connection's script: a normal opening, then mutated requests. */
export const framedScript = fc.record({ opening, actions: fc.array(action, { minLength: 1, maxLength: 40 }) });
export type FramedScript = typeof framedScript extends fc.Arbitrary<infer S> ? S : never;

/** Turns a script into writes, numbering requests 1, 2, 3… (a mutated id replaces its number). */
export function framedActions(script: FramedScript): Action[] {
  let next = 1;
  const plain = script.opening.map((request) => ({ bytes: frameOf(packValue({ ...request, id: next++ })), cuts: [], coalesce: false }));
  const mutated = script.actions.map((a) => {
    const request = a.field({ ...a.request, id: next++ });
    return { bytes: a.bytes(frameOf(packValue(request))), cuts: a.cuts, coalesce: a.coalesce };
  });
  return [...plain, ...mutated];
}
