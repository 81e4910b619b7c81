import { describe, expect, it } from 'vitest';
import {
  InvalidMessageError,
  PUSH_SCHEMAS,
  REQUEST_SCHEMAS,
  UnknownTypeError,
  requestIdOf,
  validateRequest,
  type RawMessage,
} from '../../src/protocol/index.js';

const secret = Buffer.alloc(32, 7);

/** One valid example of every request type: the table must grow with the catalog. */
const valid: Record<keyof typeof REQUEST_SCHEMAS, RawMessage> = {
  hello: { t: 'hello', id: 1, versions: [1], client: 'fastchat/test' },
  ping: { t: 'ping', id: 2 },
  route: { t: 'route', id: 3 },
  signup: { t: 'signup', id: 4, name: 'alice', secret, publicKey: Buffer.from('key') },
  login: { t: 'login', id: 5, name: 'ALICE', secret },
  resume: { t: 'resume', id: 21, token: Buffer.alloc(32, 9) },
  logout: { t: 'logout', id: 6 },
  publish_keys: {
    t: 'publish_keys',
    id: 19,
    secret,
    publicKey: Buffer.from('spki'),
    keyProof: Buffer.from('signature'),
    keyBackup: Buffer.from('sealed'),
  },
  sessions: { t: 'sessions', id: 22 },
  end_session: { t: 'end_session', id: 23, session: 5 },
  change_password: { t: 'change_password', id: 24, secret, newSecret: Buffer.alloc(32, 8), keyBackup: Buffer.from('sealed') },
  block: { t: 'block', id: 25, user: 7 },
  unblock: { t: 'unblock', id: 26, user: 7 },
  blocks: { t: 'blocks', id: 27 },
  users: { t: 'users', id: 7, after: 10, limit: 50, prefix: 'al' },
  conversations: { t: 'conversations', id: 8 },
  open_direct: { t: 'open_direct', id: 20, user: 2 },
  sync: {
    t: 'sync',
    id: 9,
    cursors: [
      [1, 5],
      [2, 0],
    ],
  },
  send: { t: 'send', id: 10, to: 2, cid: 'c-1', body: Buffer.from([1, 2, 3]) },
  receipt: { t: 'receipt', id: 11, conversation: 1, delivered: 3, read: 2 },
  history: { t: 'history', id: 12, conversation: 1, before: 100, limit: 20 },
  typing: { t: 'typing', id: 13, conversation: 1 },
  group_create: { t: 'group_create', id: 14, name: 'team', members: [2, 3] },
  group_add: { t: 'group_add', id: 15, conversation: 1, user: 4 },
  group_remove: { t: 'group_remove', id: 16, conversation: 1, user: 4 },
  group_leave: { t: 'group_leave', id: 17, conversation: 1 },
  group_rename: { t: 'group_rename', id: 18, conversation: 1, name: 'renamed' },
};

describe('validateRequest', () => {
  it.each(Object.entries(valid))('accepts a valid %s and returns a clean copy', (_, message) => {
    const parsed = validateRequest({ ...message, extra: 'dropped' });
    expect(parsed).toEqual(message);
    expect(parsed).not.toHaveProperty('extra');
  });

  it.each(Object.entries(valid))('rejects a %s without its id', (_, message) => {
    const { id: _id, ...rest } = message;
    expect(() => validateRequest(rest)).toThrow(new InvalidMessageError('id', 'is required'));
  });

  it.each([
    [{ t: 'ping', id: 1.5 }, 'id: must be an integer'],
    [{ t: 'ping', id: 2 ** 32 }, 'id: must be between 0 and 4294967295'],
    [{ t: 'ping', id: '1' }, 'id: must be an integer'],
    [{ t: 'hello', id: 1, versions: [] }, 'versions: must have at least 1 items'],
    [{ t: 'hello', id: 1, versions: Array(17).fill(1) }, 'versions: must have at most 16 items'],
    [{ t: 'hello', id: 1, versions: [1, 'two'] }, 'versions[1]: must be an integer'],
    [{ t: 'hello', id: 1, versions: [1], client: 7 }, 'client: must be a string'],
    [{ t: 'signup', id: 1, name: 'al', secret }, 'name: must be at least 3 characters'],
    [{ t: 'signup', id: 1, name: '1abc', secret }, 'name: must start with a letter'],
    [{ t: 'signup', id: 1, name: "bob'; DROP TABLE users;--", secret }, 'name: must start with a letter and use only'],
    [{ t: 'signup', id: 1, name: 'b'.repeat(33), secret }, 'name: must be at most 32 characters'],
    [{ t: 'signup', id: 1, name: 'bob smith', secret }, 'name: must start with a letter and use only'],
    [{ t: 'signup', id: 1, name: 'bob', secret: Buffer.alloc(8) }, 'secret: must be at least 16 bytes'],
    [{ t: 'signup', id: 1, name: 'bob', secret: 'text' }, 'secret: must be binary'],
    [{ t: 'resume', id: 1, token: Buffer.alloc(31) }, 'token: must be at least 32 bytes'],
    [{ t: 'resume', id: 1, token: Buffer.alloc(33) }, 'token: must be at most 32 bytes'],
    [{ t: 'resume', id: 1, token: 'a'.repeat(32) }, 'token: must be binary'],
    [{ t: 'resume', id: 1 }, 'token: is required'],
    [{ t: 'send', id: 1, to: 2, cid: '', body: Buffer.from('x') }, 'cid: must be at least 1 characters'],
    [{ t: 'send', id: 1, to: 2, cid: 'c', body: Buffer.alloc(65 * 1024) }, 'body: must be at most 65536 bytes'],
    [{ t: 'send', id: 1, to: 0, cid: 'c', body: Buffer.from('x') }, 'to: must be between 1 and'],
    [{ t: 'sync', id: 1, cursors: [[1]] }, 'cursors[0]: must be a pair'],
    [{ t: 'send', id: 1, to: 2, cid: 'event:x', body: Buffer.from('x') }, 'cid: must not start with "event:"'],
    [{ t: 'group_create', id: 1, name: '   ', members: [] }, 'name: must not be blank'],
    [{ t: 'group_create', id: 1, name: 'x'.repeat(65), members: [] }, 'name: must be at most 64 characters'],
    [{ t: 'history', id: 1, conversation: 1, limit: 201 }, 'limit: must be between 1 and 200'],
  ])('rejects %j: %s', (message, error) => {
    expect(() => validateRequest(message as RawMessage)).toThrow(error);
  });

  it('rejects U+0000 in any string field (PostgreSQL text cannot hold it), naming the field', () => {
    const cases: RawMessage[] = [
      { ...valid.login, name: 'ali\u0000ce' },
      { ...valid.send, cid: 'c\u0000' },
      { ...valid.users, prefix: '\u0000' },
      { ...valid.group_create, name: 'te\u0000am' },
      { ...valid.hello, client: 'x\u0000' },
    ];
    for (const message of cases) {
      expect(() => validateRequest(message)).toThrow(/must not contain U\+0000/);
    }
  });

  it('rejects an unknown type, and never treats inherited names as types', () => {
    expect(() => validateRequest({ t: 'teleport', id: 1 })).toThrow(UnknownTypeError);
    expect(() => validateRequest({ t: 'constructor', id: 1 })).toThrow(UnknownTypeError);
    expect(() => validateRequest({ t: '__proto__', id: 1 })).toThrow(UnknownTypeError);
  });

  it('finds the id of an invalid request when it is usable', () => {
    expect(requestIdOf({ t: 'hello', id: 9 })).toBe(9);
    expect(requestIdOf({ t: 'hello', id: 'x' })).toBeUndefined();
    expect(requestIdOf({ t: 'hello' })).toBeUndefined();
  });
});

describe('push schemas', () => {
  it('have no top-level `id`: a frame with one is read as a reply (a `keys` push spreading its user broke the connection)', () => {
    for (const [type, schema] of Object.entries(PUSH_SCHEMAS)) expect(Object.keys(schema.shape), type).not.toContain('id');
  });
});
