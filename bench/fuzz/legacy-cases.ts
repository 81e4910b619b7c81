import fc from 'fast-check';
import { LEGACY_KEY_TEXT, LEGACY_USERS, passwordOf } from './world.js';
import type { Action } from './framed-cases.js';

/**
 * Legacy (2022) streams: valid `info-type` objects as the original client writes them, then mutated
 * as JSON (wrong field kinds, missing and extra fields) and as bytes (unbalanced braces, deep
 * nesting, bytes that are not UTF-8, flips and cuts). The legacy protocol has no error replies: a bad
 * object closes the connection, so most scripts end at their first mutation.
 */
type LegacyObject = Record<string, unknown>;

const idText = fc.oneof(
  { weight: 9, arbitrary: fc.integer({ min: 1, max: 48 }).map(String) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);
const cipherText = fc.array(fc.nat(255), { minLength: 1, maxLength: 128 }).map((b) => b.join(' '));
const seeded = fc.constantFrom(...LEGACY_USERS);

const validObject: fc.Arbitrary<LegacyObject> = fc.oneof(
  fc.record({ 'info-type': fc.constant('get-users') }),
  fc.record({ 'info-type': fc.constant('start_notifications'), name: seeded }),
  fc.record({ 'info-type': fc.constant('send-message'), text: cipherText, receiver: idText }),
  fc.record({
    'info-type': fc.constant('create-grp'),
    'group-name': fc.string({ minLength: 1, maxLength: 30 }),
    admin: idText,
    members: fc.array(idText, { minLength: 1, maxLength: 5 }),
  }),
  fc.record({ 'info-type': fc.constant('group-message'), text: cipherText, receiver: idText, group_id: idText }),
  fc.record({
    'info-type': fc.constant('signup'),
    name: fc.stringMatching(/^[A-Z][A-Z0-9_]{2,10}$/),
    password: fc.stringMatching(/^[0-9a-f]{64}$/),
    public_key: fc.oneof(fc.constant(LEGACY_KEY_TEXT), fc.string({ maxLength: 40 })),
  }),
  fc.record({
    'info-type': fc.constant('login'),
    name: seeded,
    password: fc.oneof(seeded.map(passwordOf), fc.stringMatching(/^[0-9a-f]{0,64}$/)),
  }),
  fc.record({ 'info-type': fc.constant('add-connection') }),
  fc.record({ 'info-type': fc.constant('kill_thread') }),
);

const jsonWeird: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 2 ** 53, 1e308, -1e-308, '', '{', '}', '\\', '"}{"'),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer({ min: 1, max: 70_000 }).map((n) => 'y'.repeat(n)),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 6 }),
  fc.integer({ min: 1, max: 31 }).map((d) => JSON.parse('['.repeat(d) + ']'.repeat(d)) as unknown),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

const objectMutation: fc.Arbitrary<(o: LegacyObject) => LegacyObject> = fc.oneof(
  { weight: 8, arbitrary: fc.constant((o: LegacyObject) => o) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.nat(), jsonWeird)
      .map(([at, v]) => (o: LegacyObject) => ({ ...o, [Object.keys(o)[at % Object.keys(o).length]!]: v })),
  },
  {
    weight: 1,
    arbitrary: fc
      .nat()
      .map((at) => (o: LegacyObject) => Object.fromEntries(Object.entries(o).filter((_, i) => i !== at % Object.keys(o).length))),
  },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 8 }), jsonWeird).map(([k, v]) => (o: LegacyObject) => ({ ...o, [k]: v })) },
);

const INVALID_UTF8 = [Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf4, 0x90, 0x80, 0x80])];

const byteMutation: fc.Arbitrary<(b: Buffer) => Buffer> = fc.oneof(
  { weight: 20, arbitrary: fc.constant((b: Buffer) => b) },
  { weight: 1, arbitrary: fc.nat().map((n) => (b: Buffer) => b.subarray(0, n % b.length)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('{', '}', '}}', '{{{', ']', '[', '"', ' x ').map((s) => (b: Buffer) => Buffer.concat([b, Buffer.from(s)])),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 20, max: 5000 })
      .map((d) => () => Buffer.from(`{"info-type":"get-users","a":${'['.repeat(d)}${']'.repeat(d)}}`)),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.nat(), fc.constantFrom(...INVALID_UTF8)).map(
      ([at, bad]) =>
        (b: Buffer) =>
          insideString(b, at, bad),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(
      ([at, mask]) =>
        (b: Buffer) =>
          flip(b, at, mask),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 60_000, max: 80_000 })
      .map((n) => () => Buffer.from(`{"info-type":"send-message","text":"${'1 '.repeat(n / 2)}","receiver":"1"}`)),
  },
);

/** Puts non-UTF-8 bytes just after a quote, so they land inside a string where the splitter passes them on. */
function insideString(bytes: Buffer, at: number, bad: Buffer): Buffer {
  const quotes = [...bytes.keys()].filter((i) => bytes[i] === 0x22);
  const q = quotes.length ? quotes[at % quotes.length]! + 1 : 0;
  return Buffer.concat([bytes.subarray(0, q), bad, bytes.subarray(q)]);
}

function flip(bytes: Buffer, at: number, mask: number): Buffer {
  const copy = Buffer.from(bytes);
  if (copy.length) copy[at % copy.length]! ^= mask;
  return copy;
}

const action = fc.record({
  object: validObject,
  field: objectMutation,
  bytes: byteMutation,
  cuts: fc.oneof(fc.constant([]), fc.array(fc.nat(), { maxLength: 4 })),
  coalesce: fc.boolean(),
  space: fc.constantFrom('', '', ' ', '\n', '\r\n\t'),
});

/** A legacy script: usually a login as a seeded legacy user first, as the original client does. */
export const legacyScript = fc.record({
  login: fc.option(seeded, { nil: undefined }),
  actions: fc.array(action, { minLength: 1, maxLength: 20 }),
});
export type LegacyScript = typeof legacyScript extends fc.Arbitrary<infer S> ? S : never;

export function legacyActions(script: LegacyScript): Action[] {
  const login = script.login
    ? [
        {
          bytes: Buffer.from(JSON.stringify({ 'info-type': 'login', name: script.login, password: passwordOf(script.login) })),
          cuts: [],
          coalesce: false,
        },
      ]
    : [];
  const rest = script.actions.map((a) => ({
    bytes: a.bytes(Buffer.from(a.space + JSON.stringify(a.field(a.object)))),
    cuts: a.cuts,
    coalesce: a.coalesce,
  }));
  return [...login, ...rest];
}
