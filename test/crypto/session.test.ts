import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_SESSION_MESSAGES, needsRotation, newOutboundSession } from '../../src/crypto/envelope.js';
import { InvalidSealInputError } from '../../src/crypto/errors.js';

describe('outbound sessions', () => {
  it('start at index 0 with a fresh 16-byte id and 32-byte key, recipients sorted without repeats', () => {
    const a = newOutboundSession([3, 1, 2, 3], () => 1234);
    const b = newOutboundSession([1, 2, 3]);
    expect(a).toMatchObject({ index: 0, recipients: [1, 2, 3], createdAt: 1234 });
    expect(a.id).toHaveLength(16);
    expect(a.key).toHaveLength(32);
    expect(a.id.equals(b.id)).toBe(false);
    expect(a.key.equals(b.key)).toBe(false);
  });

  it('refuse an empty or invalid recipient list', () => {
    expect(() => newOutboundSession([])).toThrow(InvalidSealInputError);
    expect(() => newOutboundSession([1, -2])).toThrow(InvalidSealInputError);
    expect(() => newOutboundSession([1, 0.5])).toThrow(InvalidSealInputError);
  });
});

describe('needsRotation', () => {
  it('is true when there is no session', () => {
    expect(needsRotation(undefined, [1, 2])).toBe(true);
  });

  it('is false for the same recipients in any order, with repeats', () => {
    const session = newOutboundSession([1, 2, 3]);
    expect(needsRotation(session, [3, 2, 1])).toBe(false);
    expect(needsRotation(session, [1, 2, 2, 3])).toBe(false);
  });

  it('is true when a member joins, leaves, or is replaced', () => {
    const session = newOutboundSession([1, 2, 3]);
    expect(needsRotation(session, [1, 2, 3, 4])).toBe(true);
    expect(needsRotation(session, [1, 2])).toBe(true);
    expect(needsRotation(session, [1, 2, 4])).toBe(true);
  });

  it('is true once the session has sealed maxMessages messages (100 by default)', () => {
    const session = newOutboundSession([1, 2]);
    expect(DEFAULT_MAX_SESSION_MESSAGES).toBe(100);
    session.index = 99;
    expect(needsRotation(session, [1, 2])).toBe(false);
    session.index = 100;
    expect(needsRotation(session, [1, 2])).toBe(true);
    session.index = 9;
    expect(needsRotation(session, [1, 2], 10)).toBe(false);
    session.index = 10;
    expect(needsRotation(session, [1, 2], 10)).toBe(true);
  });
});
