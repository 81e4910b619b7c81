import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../../bench/chaos/checker.js';
import { explainViolation } from '../../../bench/chaos/explain.js';
import type { ChaosHistory, ReceivedRecord, RowKind, SendRecord, StoredRow } from '../../../bench/chaos/history.js';

/**
 * A small run, written out by hand: alice (1), bob (2) and carol (3) found group 10; bob and alice
 * talk directly in conversation 11. Carol is removed from the group (seq 6) and added back (seq 8),
 * so she has two windows, [1..6] and [8..], and must never see seq 7.
 */
const GROUP = 10;
const DIRECT = 11;

const row = (
  conversation: number,
  seq: number,
  sender: number,
  cid: string,
  kind: RowKind = 'message',
  subject: number | null = null,
): StoredRow => ({ conversation, seq, mid: conversation * 100 + seq, sender, cid, kind, subject });

const STORED: StoredRow[] = [
  row(GROUP, 1, 1, 'event:c', 'created'),
  row(GROUP, 2, 1, 'event:b', 'member_added', 2),
  row(GROUP, 3, 1, 'event:a', 'member_added', 3),
  row(GROUP, 4, 1, 'a1'),
  row(GROUP, 5, 2, 'b1'),
  row(GROUP, 6, 1, 'event:r', 'member_removed', 3),
  row(GROUP, 7, 1, 'a2'),
  row(GROUP, 8, 1, 'event:re', 'member_added', 3),
  row(GROUP, 9, 3, 'c1'),
  row(DIRECT, 1, 1, 'a3'),
  row(DIRECT, 2, 2, 'b2'),
];

const send = (
  sender: number,
  cid: string,
  target: SendRecord['target'],
  seq: number,
  conversation = 'user' in target ? DIRECT : GROUP,
): SendRecord => ({ sender, cid, target, text: `text of ${cid}`, acks: [{ conversation, seq }] });

const SENDS: SendRecord[] = [
  send(1, 'a1', { conversation: GROUP }, 4),
  send(2, 'b1', { conversation: GROUP }, 5),
  send(1, 'a2', { conversation: GROUP }, 7),
  send(3, 'c1', { conversation: GROUP }, 9),
  send(1, 'a3', { user: 2 }, 1),
  send(2, 'b2', { user: 1 }, 2),
];

/** `user` received these seqs of `conversation`, in this order, as stored. */
function got(user: number, conversation: number, seqs: number[]): ReceivedRecord[] {
  return seqs.map((seq, i) => {
    const stored = STORED.find((r) => r.conversation === conversation && r.seq === seq)!;
    return {
      user,
      conversation,
      seq,
      mid: stored.mid,
      cid: stored.cid,
      from: stored.sender,
      kind: stored.kind,
      text: stored.kind === 'message' ? `text of ${stored.cid}` : undefined,
      trust: stored.kind === 'message' ? 'verified' : 'event',
      at: 1000 + i,
    };
  });
}

function history(change: Partial<ChaosHistory> = {}): ChaosHistory {
  return {
    conversations: [
      { conversation: GROUP, kind: 'group', founders: [1, 2, 3] },
      { conversation: DIRECT, kind: 'direct', founders: [1, 2] },
    ],
    stored: STORED,
    sends: SENDS,
    received: [
      ...got(1, GROUP, [1, 2, 3, 4, 5, 6, 7, 8, 9]),
      ...got(2, GROUP, [1, 2, 3, 4, 5, 6, 7, 8, 9]),
      ...got(3, GROUP, [1, 2, 3, 4, 5, 6, 8, 9]),
      ...got(1, DIRECT, [1, 2]),
      ...got(2, DIRECT, [1, 2]),
    ],
    clients: [1, 2, 3].map((user) => ({ user, name: `user${user}`, outbox: 0, state: 'connected' })),
    timeline: [
      { at: 500, text: 'SIGKILL node B' },
      { at: 900, user: 3, conversation: GROUP, text: 'received seq 5' },
      { at: 950, user: 2, text: 'reconnecting: connection reset' },
    ],
    ...change,
  };
}

/** The history with `user`'s receipts of `conversation` replaced by `seqs`. */
function receiving(user: number, conversation: number, seqs: number[]): ChaosHistory {
  const clean = history();
  return history({
    received: [...clean.received.filter((r) => r.user !== user || r.conversation !== conversation), ...got(user, conversation, seqs)],
  });
}

const kinds = (h: ChaosHistory) => checkHistory(h).map((v) => v.kind);

describe('chaos checker', () => {
  it('passes a clean history, with a removal and a re-add', () => {
    expect(checkHistory(history())).toEqual([]);
  });

  it('passes an earlier window cut short: a member offline through its tail syncs from the re-add on', () => {
    expect(checkHistory(receiving(3, GROUP, [1, 2, 3, 4, 8, 9]))).toEqual([]);
    expect(checkHistory(receiving(3, GROUP, [8, 9]))).toEqual([]);
  });

  it('counts a message acknowledged twice (a re-ack after a lost reply) once', () => {
    const sends = SENDS.map((s) => (s.cid === 'a1' ? { ...s, acks: [...s.acks, ...s.acks] } : s));
    expect(checkHistory(history({ sends }))).toEqual([]);
  });

  it('catches a row received twice', () => {
    expect(kinds(receiving(2, GROUP, [1, 2, 3, 4, 5, 5, 6, 7, 8, 9]))).toEqual(['duplicate']);
  });

  it('catches a gap: a row of the current window that never came, also below rows that did', () => {
    expect(kinds(receiving(1, GROUP, [1, 2, 3, 4, 5, 6, 8, 9]))).toEqual(['gap']);
    const [gap] = checkHistory(receiving(3, GROUP, [1, 2, 3, 5, 8, 9]));
    expect(gap).toMatchObject({ kind: 'gap', user: 3, conversation: GROUP, seqs: [4] });
  });

  it('catches rows out of order, as the client that got 27, 28 before 26 did', () => {
    expect(kinds(receiving(2, GROUP, [1, 2, 3, 5, 4, 6, 7, 8, 9]))).toEqual(['reorder']);
  });

  it('catches a row received after the removal, before the re-add', () => {
    const violations = checkHistory(receiving(3, GROUP, [1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(violations).toMatchObject([{ kind: 'after_removal', user: 3, conversation: GROUP, seqs: [7] }]);
  });

  it('catches a lost ack: acknowledged, yet not stored, or stored elsewhere', () => {
    expect(kinds(history({ sends: [...SENDS, send(2, 'b9', { conversation: GROUP }, 10)] }))).toEqual(['lost_ack']);
    expect(kinds(history({ sends: SENDS.map((s) => (s.cid === 'b1' ? send(2, 'b1', { conversation: GROUP }, 6) : s)) }))).toEqual([
      'lost_ack',
    ]);
  });

  it("catches a sender's messages stored in another order than sent", () => {
    const swapped = [SENDS[2]!, SENDS[0]!, ...SENDS.filter((s) => s.cid !== 'a1' && s.cid !== 'a2')];
    expect(checkHistory(history({ sends: swapped }))).toMatchObject([{ kind: 'send_order', user: 1, conversation: GROUP }]);
  });

  it('catches a stuck client: an outbox not drained, a send never answered', () => {
    expect(
      kinds(history({ clients: history().clients.map((c) => (c.user === 2 ? { ...c, outbox: 3, state: 'reconnecting' } : c)) })),
    ).toEqual(['stuck']);
    expect(kinds(history({ sends: [...SENDS, { ...send(3, 'c2', { conversation: GROUP }, 0), acks: [] }] }))).toEqual(['stuck']);
  });

  it('accepts a group message refused after its sender was removed, and nothing else given up', () => {
    const refused = { ...send(3, 'c0', { conversation: GROUP }, 0), acks: [], failed: 'forbidden' };
    expect(checkHistory(history({ sends: [...SENDS, refused] }))).toEqual([]);
    expect(kinds(history({ sends: [...SENDS, { ...refused, failed: 'key_changed' }] }))).toEqual(['failed_send']);
    expect(kinds(history({ sends: SENDS.map((s) => (s.cid === 'c1' ? { ...s, acks: [], failed: 'forbidden' } : s)) }))).toEqual([
      'failed_send',
    ]);
  });

  it('catches a row whose content is not what was stored and sent', () => {
    const clean = history();
    const received = clean.received.map((r) => (r.user === 2 && r.cid === 'a1' ? { ...r, text: 'forged' } : r));
    expect(kinds(history({ received }))).toEqual(['corrupt']);
    // One the client could not decrypt has no text to compare (key distribution, not delivery).
    const unreadable = clean.received.map((r) =>
      r.user === 2 && r.cid === 'a1' ? { ...r, text: undefined, trust: 'undecryptable' as const } : r,
    );
    expect(checkHistory(history({ received: unreadable }))).toEqual([]);
  });

  it("explains a violation with the conversation's windows, the rows near it and the client's story, not the whole log", () => {
    const h = receiving(3, GROUP, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const text = explainViolation(h, checkHistory(h)[0]!).join('\n');
    expect(text).toContain('user 3 [1..6][8..]');
    expect(text).toContain('stored seq 7: message from 1 cid a2');
    expect(text).toContain('user 3 received, in order: 1-9');
    expect(text).toContain('SIGKILL node B');
    expect(text).toContain('received seq 5');
    expect(text).not.toContain('reconnecting: connection reset'); // another client's story
  });
});
