import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../../src/server/limits/login-throttle.js';

function throttleAt(start = 1_000_000) {
  const clock = { now: start };
  const throttle = new LoginThrottle({ now: () => clock.now });
  return { throttle, clock };
}

describe('LoginThrottle', () => {
  it('lets a name fail four times from one address, then locks that address out of it for 2 s, doubling with each further failure', () => {
    const { throttle, clock } = throttleAt();
    for (let i = 0; i < 4; i++) throttle.failed('Alice', '10.0.0.1');
    expect(throttle.retryAfter('alice', '10.0.0.1')).toBe(0);
    throttle.failed('ALICE', '10.0.0.1');
    expect(throttle.retryAfter('alice', '10.0.0.1')).toBe(2000);
    // Only that address: the owner elsewhere is not locked out by someone else's guesses.
    expect(throttle.retryAfter('alice', '10.0.0.2')).toBe(0);
    clock.now += 2000;
    expect(throttle.retryAfter('alice', '10.0.0.1')).toBe(0);
    throttle.failed('alice', '10.0.0.1');
    expect(throttle.retryAfter('alice', '10.0.0.1')).toBe(4000);
  });

  it('locks a name guessed from many addresses for every address but those its owner logged in from', () => {
    const { throttle } = throttleAt();
    throttle.succeeded('alice', '10.0.1.1');
    for (let host = 0; host < 10; host++) for (let i = 0; i < 5; i++) throttle.failed('alice', `10.0.2.${host}`);
    expect(throttle.retryAfter('alice', '10.0.3.1')).toBe(2000);
    expect(throttle.retryAfter('ALICE', '10.0.1.1')).toBe(0);
    // Only ASCII letter case folds: a name with another letter is another key (and no account's, accounts.ts).
    expect(throttle.retryAfter('alİce', '10.0.3.1')).toBe(0);
  });

  it('locks an address that fails across many names', () => {
    const { throttle } = throttleAt();
    for (let i = 0; i < 20; i++) throttle.failed(`user${i}`, '10.0.0.9');
    expect(throttle.retryAfter('someone-else', '10.0.0.9')).toBe(2000);
    expect(throttle.retryAfter('someone-else', '10.0.0.8')).toBe(0);
  });

  it('counts a failure that names no account (a bad resume token) against the address only', () => {
    const { throttle } = throttleAt();
    for (let i = 0; i < 19; i++) throttle.failed(undefined, '10.0.0.7');
    expect(throttle.retryAfter(undefined, '10.0.0.7')).toBe(0);
    throttle.failed('dave', '10.0.0.7');
    expect(throttle.retryAfter(undefined, '10.0.0.7')).toBe(2000);
    expect(throttle.retryAfter('dave', '10.0.0.6')).toBe(0);
    throttle.failed(undefined, '10.0.0.7');
    expect(throttle.retryAfter('erin', '10.0.0.7')).toBe(4000);
    expect(throttle.retryAfter(undefined, '10.0.0.6')).toBe(0);
  });

  it('forgets failures after the window, and a success clears the name', () => {
    const { throttle, clock } = throttleAt();
    for (let i = 0; i < 4; i++) throttle.failed('bob', undefined);
    clock.now += 16 * 60_000;
    throttle.failed('bob', undefined);
    expect(throttle.retryAfter('bob', undefined)).toBe(0);
    for (let i = 0; i < 3; i++) throttle.failed('bob', undefined);
    throttle.succeeded('bob', undefined);
    throttle.failed('bob', undefined);
    expect(throttle.retryAfter('bob', undefined)).toBe(0);
  });

  it('caps the lock at 15 minutes', () => {
    const { throttle } = throttleAt();
    for (let i = 0; i < 40; i++) throttle.failed('carol', undefined);
    expect(throttle.retryAfter('carol', undefined)).toBe(15 * 60_000);
  });
});
