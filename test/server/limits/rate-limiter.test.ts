import { describe, expect, it } from 'vitest';
import { DEFAULT_SEND_BURST, DEFAULT_SEND_RATE_PER_S } from '../../../src/protocol/index.js';
import { RateLimiter } from '../../../src/server/limits/rate-limiter.js';

function limiter(perSecond: number, burst: number) {
  let now = 1_000_000;
  const rate = new RateLimiter({ perSecond, burst, now: () => now });
  return { rate, advance: (ms: number) => void (now += ms) };
}

describe('RateLimiter', () => {
  it('allows a burst, then refuses with the time until the next token', () => {
    const { rate } = limiter(10, 3);
    expect([rate.take(1), rate.take(1), rate.take(1)]).toEqual([0, 0, 0]);
    expect(rate.take(1)).toBe(100);
  });

  it('refills at the sustained rate, never above the burst', () => {
    const { rate, advance } = limiter(10, 3);
    for (let i = 0; i < 3; i++) rate.take(1);
    advance(250);
    expect(rate.take(1)).toBe(0);
    expect(rate.take(1)).toBe(0);
    expect(rate.take(1)).toBeGreaterThan(0);
    advance(60_000);
    expect([rate.take(1), rate.take(1), rate.take(1), rate.take(1)]).toEqual([0, 0, 0, 100]);
  });

  it('books turns in the order asked for (reserve): each asker is told when its own turn comes', () => {
    const { rate, advance } = limiter(10, 1);
    expect([rate.reserve(1), rate.reserve(1), rate.reserve(1)]).toEqual([0, 100, 200]);
    // 100 ms on, the first booked turn has come; a new asker still queues behind the one left.
    advance(100);
    expect(rate.reserve(1)).toBe(200);
    // A plain take waits behind the booked turns too.
    expect(rate.take(1)).toBe(300);
  });

  it('gives each user a bucket of their own', () => {
    const { rate } = limiter(1, 1);
    expect(rate.take(1)).toBe(0);
    expect(rate.take(1)).toBe(1000);
    expect(rate.take(2)).toBe(0);
  });

  it('does not count refused sends against the user', () => {
    const { rate, advance } = limiter(10, 1);
    rate.take(1);
    for (let i = 0; i < 50; i++) rate.take(1);
    advance(100);
    expect(rate.take(1)).toBe(0);
  });

  it('is off at rate 0', () => {
    const { rate } = limiter(0, 1);
    for (let i = 0; i < 100; i++) expect(rate.take(1)).toBe(0);
    expect(rate.size).toBe(0);
  });

  it('forgets users whose bucket has refilled once many are tracked', () => {
    const { rate, advance } = limiter(1000, 2);
    // The 10,000th bucket triggers a sweep: the 9,999 refilled ones go, the one just drawn on stays.
    for (let user = 0; user < 9_999; user++) rate.take(user);
    advance(10);
    rate.take(-1);
    expect(rate.size).toBe(1);
  });

  it('defaults to 50 per second with a burst as large as the largest group', () => {
    expect(DEFAULT_SEND_RATE_PER_S).toBe(50);
    expect(DEFAULT_SEND_BURST).toBe(1000);
  });
});
