import fc from 'fast-check';
import {
  CLIENT_ID_MAX,
  GROUP_NAME_MAX,
  HISTORY_PAGE_MAX,
  REQUEST_SCHEMAS,
  RESUME_TOKEN_BYTES,
  USERS_PAGE_MAX,
  type RequestType,
} from '../../src/protocol/index.js';
import { MODERN_USERS, secretOf } from './world.js';

/**
 * A valid request of every type in the catalog (REQUEST_SCHEMAS), with ids drawn mostly from the
 * small range the fuzz run's users and conversations actually occupy, so many requests reach the
 * store and its membership checks rather than stopping at `not_found`. `id` is set by the connection.
 */
export type Fields = Record<string, unknown>;

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Buffer.from(b));
/** Users and conversations of a fuzz run have small ids; sometimes any id at all. */
const entity = fc.oneof(
  { weight: 9, arbitrary: fc.integer({ min: 1, max: 48 }) },
  { weight: 1, arbitrary: fc.maxSafeNat().map((n) => n + 1) },
);
const seq = fc.oneof({ weight: 9, arbitrary: fc.nat(64) }, { weight: 1, arbitrary: fc.maxSafeNat() });
const userName = fc.stringMatching(/^[a-z][a-z0-9_.-]{2,12}$/);
const groupName = fc.string({ minLength: 1, maxLength: GROUP_NAME_MAX }).filter((s) => /\S/.test(s));
const seeded = fc.constantFrom(...MODERN_USERS);
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const FIELDS: { readonly [T in RequestType]: fc.Arbitrary<Fields> } = {
  hello: fc.record({
    versions: fc.oneof(fc.constant([1]), fc.array(fc.integer({ min: 1, max: 0xffff }), { minLength: 1, maxLength: 16 })),
    client: opt(fc.string({ maxLength: 64 })),
  }),
  ping: fc.constant({}),
  route: fc.constant({}),
  signup: fc.record({
    name: userName,
    secret: bytes(16, 64),
    publicKey: opt(bytes(0, 300)),
    keyBackup: opt(bytes(0, 300)),
    legacyKey: opt(bytes(1, 300)),
  }),
  login: fc.oneof(
    seeded.map((name) => ({ name, secret: secretOf(name) })),
    fc.record({ name: fc.oneof(seeded, userName), secret: bytes(16, 64) }),
  ),
  resume: fc.record({ token: bytes(RESUME_TOKEN_BYTES, RESUME_TOKEN_BYTES) }),
  logout: fc.constant({}),
  publish_keys: fc.record({
    secret: bytes(16, 64),
    publicKey: bytes(1, 300),
    keyProof: opt(bytes(1, 300)),
    keyBackup: opt(bytes(0, 300)),
    legacyKey: opt(bytes(1, 300)),
  }),
  sessions: fc.constant({}),
  // Ids no token of a run reaches: ending a real session would close another fuzz connection, whose
  // replies the oracle then misses (session endings have their own tests, test/security/sessions).
  end_session: fc.record({ session: fc.integer({ min: 2 ** 40, max: Number.MAX_SAFE_INTEGER }) }),
  // Random secrets never match: a password changed mid-run would end the other connections of its user.
  change_password: fc.record({ secret: bytes(16, 64), newSecret: bytes(16, 64), keyBackup: opt(bytes(0, 300)) }),
  // Users no fuzzed session can be (ids past 2^40): a block stores nothing, so the store stays clean.
  block: fc.record({ user: fc.integer({ min: 2 ** 40, max: Number.MAX_SAFE_INTEGER }) }),
  unblock: fc.record({ user: fc.integer({ min: 2 ** 40, max: Number.MAX_SAFE_INTEGER }) }),
  blocks: fc.constant({}),
  users: fc.record({
    after: opt(seq),
    limit: opt(fc.integer({ min: 1, max: USERS_PAGE_MAX })),
    prefix: opt(fc.string({ maxLength: 8 })),
    ids: opt(fc.array(entity, { minLength: 1, maxLength: 8 })),
  }),
  conversations: fc.constant({}),
  open_direct: fc.record({ user: entity }),
  sync: fc.record({ cursors: opt(fc.array(fc.tuple(entity, seq), { maxLength: 8 })) }),
  send: fc.record({
    conversation: opt(entity),
    to: opt(entity),
    cid: fc.string({ minLength: 1, maxLength: CLIENT_ID_MAX }).filter((s) => !s.startsWith('event:')),
    body: bytes(1, 200),
  }),
  receipt: fc.record({ conversation: entity, delivered: opt(seq), read: opt(seq) }),
  history: fc.record({ conversation: entity, before: opt(seq), limit: opt(fc.integer({ min: 1, max: HISTORY_PAGE_MAX })) }),
  typing: fc.record({ conversation: entity }),
  group_create: fc.record({ name: groupName, members: fc.array(entity, { maxLength: 6 }) }),
  group_add: fc.record({ conversation: entity, user: entity }),
  group_remove: fc.record({ conversation: entity, user: entity }),
  group_leave: fc.record({ conversation: entity }),
  group_rename: fc.record({ conversation: entity, name: groupName }),
};

/** Every request type, from the catalog itself: a type added there and not here fails to compile. */
export const REQUEST_TYPES = Object.keys(REQUEST_SCHEMAS) as RequestType[];

/** A valid request of any type (without its `id`). */
export const validRequest: fc.Arbitrary<Fields> = fc
  .constantFrom(...REQUEST_TYPES)
  .chain((t) => FIELDS[t].map((fields) => ({ t, ...withoutUndefined(fields) })));

/** The opening a real client makes: hello, then (usually) a login as a seeded user. */
export const opening: fc.Arbitrary<Fields[]> = fc.tuple(fc.nat(9), seeded).map(([roll, name]) => {
  const hello = { t: 'hello', versions: [1], client: 'fuzz/1' };
  if (roll === 0) return [];
  if (roll <= 2) return [hello];
  return [hello, { t: 'login', name, secret: secretOf(name) }];
});

function withoutUndefined(fields: Fields): Fields {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}
