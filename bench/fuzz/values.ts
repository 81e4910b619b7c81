import fc from 'fast-check';

/**
 * Field values of the wrong kind or at the edges: what a mutated request puts where a valid value
 * was. Sizes are bounded so one case stays well under the frame limit (1 MiB) most of the time; the
 * few that are not test the limit itself.
 */

/** Nests `leaf` `depth` levels deep in arrays or maps. */
function nest(leaf: unknown, depth: number, asMap: boolean): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = asMap ? { k: value } : [value];
  return value;
}

export const hugeNumber = fc.constantFrom(
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  2 ** 64,
  -1,
  -(2 ** 31),
  2 ** 32,
  2 ** 32 - 1,
  1e308,
  -0,
  0.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  9007199254740991,
);

export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hugeNumber },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 70_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\u0000', 'event:x', '__proto__', 'constructor', '\ud800', 'ＡＢＣ', '../../etc') },
  { weight: 2, arbitrary: fc.constantFrom(null, true, false, undefined) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 100_000 }).map((n) => Buffer.alloc(n, 7)) },
  { weight: 1, arbitrary: fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 8 }) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 400 }), fc.boolean()).map(([d, m]) => nest(1, d, m)) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), fc.integer(), { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: true }) },
);
