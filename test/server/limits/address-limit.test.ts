import { describe, expect, it } from 'vitest';
import { AddressLimit, REFUSAL_LOG_INTERVAL_MS } from '../../../src/server/limits/address-limit.js';

describe('AddressLimit', () => {
  it('refuses the connection past the limit, counting nothing for it', () => {
    const limit = new AddressLimit(2);
    expect(limit.tryOpen('10.0.0.1')).toBe(true);
    expect(limit.tryOpen('10.0.0.1')).toBe(true);
    expect(limit.tryOpen('10.0.0.1')).toBe(false);
    expect(limit.count('10.0.0.1')).toBe(2);
    expect(limit.tryOpen('10.0.0.2')).toBe(true);
  });

  it('takes a connection again once one closes, and forgets an address with none open', () => {
    const limit = new AddressLimit(1);
    limit.tryOpen('10.0.0.1');
    limit.closed('10.0.0.1');
    expect(limit.count('10.0.0.1')).toBe(0);
    expect(limit.tryOpen('10.0.0.1')).toBe(true);
  });

  it('counts an IPv4-mapped IPv6 address as the IPv4 host', () => {
    const limit = new AddressLimit(1);
    expect(limit.tryOpen('::ffff:10.0.0.1')).toBe(true);
    expect(limit.tryOpen('10.0.0.1')).toBe(false);
  });

  it('has no limit at 0, and does not count connections without an address', () => {
    const limit = new AddressLimit(0);
    for (let i = 0; i < 1000; i++) expect(limit.tryOpen('10.0.0.1')).toBe(true);
    const strict = new AddressLimit(1);
    expect(strict.tryOpen(undefined)).toBe(true);
    expect(strict.tryOpen(undefined)).toBe(true);
  });

  it('logs the first refusal of an address, then one line per interval with the count since', () => {
    const limit = new AddressLimit(1);
    limit.tryOpen('10.0.0.1');
    expect(limit.tryOpen('10.0.0.1')).toBe(false);
    expect(limit.refusalToLog('10.0.0.1', 1000)).toBe(1);
    const quiet = Array.from({ length: 500 }, (_, i) => limit.refusalToLog('10.0.0.1', 1001 + i));
    expect(quiet.every((due) => due === undefined)).toBe(true);
    expect(limit.refusalToLog('::ffff:10.0.0.1', 1000 + REFUSAL_LOG_INTERVAL_MS)).toBe(501);
    expect(limit.refusalToLog('10.0.0.1', 1001 + REFUSAL_LOG_INTERVAL_MS)).toBeUndefined();
    // Another address has its own first line.
    expect(limit.refusalToLog('10.0.0.2', 1002 + REFUSAL_LOG_INTERVAL_MS)).toBe(1);
  });

  it('starts over once the address is under its limit again', () => {
    const limit = new AddressLimit(1);
    limit.tryOpen('10.0.0.1');
    expect(limit.refusalToLog('10.0.0.1', 0)).toBe(1);
    expect(limit.refusalToLog('10.0.0.1', 1)).toBeUndefined();
    limit.closed('10.0.0.1');
    limit.tryOpen('10.0.0.1');
    expect(limit.refusalToLog('10.0.0.1', 2)).toBe(1);
  });
});
