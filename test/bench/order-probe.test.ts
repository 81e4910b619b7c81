import { describe, expect, it } from 'vitest';
import { countOutOfOrder, formatOrderProbe, runOrderProbe, type OrderProbeResult } from '../../bench/load/order-probe.js';
import { postgresServerUrl } from '../support/databases.js';

/** What every order probe run must show (protocol.md § Delivery, "In the order sent"). */
function expectInOrder(result: OrderProbeResult): void {
  const { senders, sends } = result.options;
  expect(result.errors).toBe(0);
  expect(result.acked).toBe(senders * sends);
  expect(result.outOfOrder).toBe(0);
  expect(result.sendersOutOfOrder).toBe(0);
  expect(formatOrderProbe([result])).toContain(`| ${senders} × ${sends} (8 in flight) |`);
}

describe('bench: order probe at a small size', () => {
  it('counts a send whose seq is below an earlier send of its sender, skipping unacknowledged ones', () => {
    expect(countOutOfOrder([1, 2, 3])).toBe(0);
    expect(countOutOfOrder([1, 3, 2, 4])).toBe(1);
    expect(countOutOfOrder([5, 1, 2, 6])).toBe(2);
    expect(countOutOfOrder([1, undefined, 2])).toBe(0);
  });

  // On PostgreSQL, where pipelined first sends to a new contact raced and came out of order (33-37 of
  // the 480 in each of three runs at this size before the fix); the embedded database never showed
  // it, and runs only when there is no PostgreSQL (to keep CI short).
  it("every sender's pipelined sends into a new direct conversation take seqs in send order", async () => {
    const result =
      postgresServerUrl === null
        ? await runOrderProbe({ database: 'pglite', senders: 6, sends: 40 })
        : await runOrderProbe({ database: 'postgres', senders: 8, sends: 60, postgresServerUrl });
    expectInOrder(result);
  }, 120_000);
});
