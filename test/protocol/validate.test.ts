import { describe, expect, it } from 'vitest';
import {
  InvalidMessageError,
  REQUEST_SCHEMAS,
  UnknownTypeError,
  requestIdOf,
  validateRequest,
  type RawMessage,
} from '../../src/protocol/index.js';

const valid: Record<keyof typeof REQUEST_SCHEMAS, RawMessage> = {
  hello: { t: 'hello', id: 1, versions: [1], client: 'fastchat/test' },
  ping: { t: 'ping', id: 2 },
  route: { t: 'route', id: 3 },
};

describe('validateRequest', () => {
  it.each(Object.entries(valid))('accepts a valid %s and returns a clean copy', (_, message) => {
    const parsed = validateRequest({ ...message, extra: 'dropped' });
    expect(parsed).toEqual(message);
    expect(parsed).not.toHaveProperty('extra');
  });

  it.each(Object.entries(valid))('rejects a %s without its id', (_, message) => {
    const { id: _id, ...rest } = message;
    expect(() => validateRequest(rest as RawMessage)).toThrow(new InvalidMessageError('id', 'is required'));
  });

  it.each([
    [{ t: 'ping', id: 1.5 }, 'id: must be an integer'],
    [{ t: 'ping', id: 2 ** 32 }, 'id: must be between 0 and 4294967295'],
    [{ t: 'ping', id: '1' }, 'id: must be an integer'],
    [{ t: 'hello', id: 1, versions: [] }, 'versions: must have at least 1 items'],
    [{ t: 'hello', id: 1, versions: Array(17).fill(1) }, 'versions: must have at most 16 items'],
    [{ t: 'hello', id: 1, versions: [1, 'two'] }, 'versions[1]: must be an integer'],
    [{ t: 'hello', id: 1, versions: [1], client: 7 }, 'client: must be a string'],
  ])('rejects %j: %s', (message, error) => {
    expect(() => validateRequest(message as RawMessage)).toThrow(error);
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
