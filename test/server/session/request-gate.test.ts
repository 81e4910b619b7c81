import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/server/limits/rate-limiter.js';
import { RequestGate } from '../../../src/server/session/request-gate.js';

describe('RequestGate', () => {
  it('requests of two connections sharing one pace start in the order they asked, not whoever asks again first', async () => {
    // One address's logins (or one user's requests) share a pace across connections. Before, a waiting
    // request asked the pace again when its timer fired, and a request arriving just as a turn came
    // took it: with many waiting, an unlucky login waited past the 30 s login deadline (found by the
    // flood bench's 200 signups from one address).
    let clock = 0;
    const pace = new RateLimiter<string>({ perSecond: 100, burst: 1, now: () => clock });
    expect(pace.reserve('127.0.0.1')).toBe(0); // someone took the one turn there was
    const started: string[] = [];
    const bothStarted = new Promise<void>((resolve) => {
      const gate = () =>
        new RequestGate<string>(
          new PassThrough(),
          (name) => (started.push(name), started.length === 2 && resolve()),
          () => pace.reserve('127.0.0.1'),
        );
      const a = gate();
      const b = gate();
      a.offer('A'); // waits 10 ms for the next turn
      clock += 10; // that turn comes; B asks right then
      b.offer('B');
      // B must not take the turn A was waiting for.
      expect(started).toEqual([]);
    });
    await bothStarted;
    expect(started).toEqual(['A', 'B']);
  });

  it('starts a request at once when its pace has a turn, and once its booked turn comes otherwise', async () => {
    const clock = 0;
    const pace = new RateLimiter<string>({ perSecond: 1000, burst: 1, now: () => clock });
    const started: string[] = [];
    const second = new Promise<void>((resolve) => {
      const gate = new RequestGate<string>(
        new PassThrough(),
        (name) => (started.push(name), name === 'second' && resolve()),
        () => pace.reserve('k'),
      );
      gate.offer('first');
      expect(started).toEqual(['first']);
      gate.finished();
      gate.offer('second');
      expect(started).toEqual(['first']);
    });
    await second;
    // It started on its booked turn without asking the pace again: a second ask would have booked another.
    expect(pace.reserve('k')).toBe(2);
  });
});
