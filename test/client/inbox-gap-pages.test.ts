import { describe, expect, it } from 'vitest';
import { fillGap } from '../../src/client/inbox-gap.js';
import type { RpcConnection } from '../../src/client/rpc-connection.js';
import type { MessageView } from '../../src/protocol/index.js';

/**
 * A server's `history` for one member whose window is the seqs (joinedSeq, lastSeq] (protocol.md
 * § history): the newest `limit` rows before `before`, ascending. Records each request.
 */
function historyOf(joinedSeq: number, lastSeq: number) {
  const requests: Array<{ before: number; limit: number }> = [];
  const row = (seq: number): MessageView => ({
    conversation: 7,
    seq,
    mid: seq,
    cid: `c${seq}`,
    from: 1,
    kind: 'message',
    body: Buffer.from('x'),
    ts: 0,
  });
  const rpc = {
    request: async (body: { t: 'history'; before: number; limit: number }) => {
      requests.push({ before: body.before, limit: body.limit });
      const top = Math.min(body.before - 1, lastSeq);
      const bottom = Math.max(joinedSeq + 1, top - body.limit + 1);
      return { messages: Array.from({ length: Math.max(0, top - bottom + 1) }, (_, i) => row(bottom + i)) };
    },
  } as unknown as RpcConnection;
  return { rpc: () => rpc, requests };
}

async function gap(history: ReturnType<typeof historyOf>, after: number, before: number) {
  const seqs: number[] = [];
  const throughs: number[] = [];
  for await (const page of fillGap(history.rpc, 7, after, before)) {
    seqs.push(...page.rows.map((r) => r.seq));
    throughs.push(page.through);
  }
  return { seqs, throughs };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('fillGap: the rows between a cursor and a row that arrived ahead of it', () => {
  it('a small gap: its rows in one request, settled up to the row', async () => {
    const history = historyOf(0, 100);
    expect(await gap(history, 25, 28)).toEqual({ seqs: [26, 27], throughs: [27] });
    expect(history.requests).toEqual([{ before: 28, limit: 2 }]);
  });

  it('a window that starts inside the gap (added back): the seqs before it close in one request', async () => {
    const history = historyOf(5000, 5001);
    expect(await gap(history, 100, 5001)).toEqual({ seqs: [], throughs: [5000] });
    expect(history.requests).toHaveLength(1);
  });

  it('a gap longer than a page: every row once, in seq order, pages of at most 200', async () => {
    const history = historyOf(0, 2000);
    const { seqs, throughs } = await gap(history, 10, 1000);
    expect(seqs).toEqual(range(11, 999));
    expect(throughs.at(-1)).toBe(999);
    expect(throughs).toEqual([...throughs].sort((a, b) => a - b));
    expect(Math.max(...history.requests.map((r) => r.limit))).toBeLessThanOrEqual(200);
  });

  it('a long gap with the window starting inside it: only the window rows', async () => {
    const history = historyOf(400, 2000);
    const { seqs } = await gap(history, 10, 1000);
    expect(seqs).toEqual(range(401, 999));
  });
});
