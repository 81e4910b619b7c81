import { describe, expect, it } from 'vitest';
import { PortLoad } from '../../../src/server/ports/port-load.js';

describe('PortLoad', () => {
  it('picks the port with the fewest open connections', () => {
    const load = new PortLoad([8001, 8002, 8003]);
    load.opened(8001);
    load.opened(8001);
    load.opened(8003);
    expect(load.leastLoaded()).toBe(8002);
    expect(load.leastLoaded()).toBe(8002);
  });

  it('rotates among tied ports so a burst of routes is spread', () => {
    const load = new PortLoad([8001, 8002, 8003, 8004]);
    const picks = Array.from({ length: 8 }, () => load.leastLoaded());
    expect(new Set(picks.slice(0, 4))).toEqual(new Set([8001, 8002, 8003, 8004]));
    expect(picks.slice(4)).toEqual(picks.slice(0, 4));
  });

  it('counts exactly: a close decrements, and closing more than opened is a bug', () => {
    const load = new PortLoad([8001]);
    load.opened(8001);
    load.opened(8001);
    load.closed(8001);
    expect(load.count(8001)).toBe(1);
    load.closed(8001);
    expect(load.count(8001)).toBe(0);
    expect(() => load.closed(8001)).toThrow(RangeError);
  });

  it('has no port to offer when none is registered', () => {
    expect(new PortLoad().leastLoaded()).toBeUndefined();
  });
});
