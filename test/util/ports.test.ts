import { describe, expect, it } from 'vitest';
import { PortListError, parsePortList } from '../../src/util/ports.js';

describe('parsePortList', () => {
  it.each([
    ['8001-8004', [8001, 8002, 8003, 8004]],
    ['8001,8003', [8001, 8003]],
    ['8001-8002, 9000', [8001, 8002, 9000]],
    ['9000', [9000]],
    ['0', [0]],
    ['0,0', [0, 0]],
  ])('reads %s', (text, ports) => {
    expect(parsePortList(text)).toEqual(ports);
  });

  it.each([
    ['', 'is not a port'],
    ['80x', 'is not a port'],
    ['8004-8001', 'not a valid port range'],
    ['0-3', 'not a valid port range'],
    ['70000', 'above 65535'],
    ['8001,8001', 'listed twice'],
    ['8001-8003,8002', 'listed twice'],
    ['8001-', 'is not a port'],
  ])('rejects "%s" saying it %s', (text, message) => {
    expect(() => parsePortList(text)).toThrow(PortListError);
    expect(() => parsePortList(text)).toThrow(message);
  });
});
