import type { ChaosHistory, ReceivedRecord, SendRecord, StoredRow, Violation } from './history.js';
import { membershipWindows, ranges, windowOf, type MembershipWindow } from './windows.js';

/**
 * Judges a chaos run by the promises of docs/protocol.md § Delivery, with the database's rows at the
 * end as the truth (stored messages are counted, never `sent` events: a re-ack repeats one):
 * - every acknowledged message is stored, once, where its ack said; a message given up is not stored;
 * - each sender's messages to one conversation are stored in the order it sent them;
 * - each client received each row of its membership windows once, in seq order: all of its last
 *   window, and of an earlier window a prefix (a member added back syncs from the new window on, so
 *   the tail of an earlier one it was offline for never comes); nothing outside its windows;
 * - what it received is what was stored and sent (sender, cid, and the text of what it could decrypt;
 *   a row it could not decrypt is counted in the run's figures, not judged here: that is key
 *   distribution, not delivery);
 * - no client is stuck: every send answered, every outbox empty.
 */
export function checkHistory(history: ChaosHistory): Violation[] {
  const rowsOf = new Map<number, StoredRow[]>();
  for (const row of history.stored) rowsOf.set(row.conversation, [...(rowsOf.get(row.conversation) ?? []), row]);
  for (const rows of rowsOf.values()) rows.sort((a, b) => a.seq - b.seq);
  const byCid = new Map<string, StoredRow[]>();
  for (const row of history.stored) byCid.set(`${row.sender}/${row.cid}`, [...(byCid.get(`${row.sender}/${row.cid}`) ?? []), row]);
  return [...checkStored(rowsOf, byCid), ...checkSends(history.sends, byCid), ...checkDelivery(history, rowsOf), ...checkClients(history)];
}

function checkStored(rowsOf: Map<number, StoredRow[]>, byCid: Map<string, StoredRow[]>): Violation[] {
  const out: Violation[] = [];
  for (const [conversation, rows] of rowsOf) {
    const skipped = rows.flatMap((row, i) => (row.seq !== i + 1 ? [i + 1] : []));
    if (skipped.length > 0)
      out.push({
        kind: 'gap',
        conversation,
        detail: `the stored seqs of conversation ${conversation} are not 1..${rows.length}: first off at ${skipped[0]}`,
        seqs: skipped.slice(0, 1),
      });
  }
  for (const [key, rows] of byCid) {
    if (rows.length > 1)
      out.push({
        kind: 'stored_twice',
        conversation: rows[0]!.conversation,
        user: rows[0]!.sender,
        detail: `${key} is stored ${rows.length} times (seqs ${rows.map((r) => r.seq).join(', ')})`,
        seqs: rows.map((r) => r.seq),
      });
  }
  return out;
}

function checkSends(sends: readonly SendRecord[], byCid: Map<string, StoredRow[]>): Violation[] {
  const out: Violation[] = [];
  const lastSeq = new Map<string, { seq: number; index: number; cid: string }>();
  const unanswered = new Map<number, SendRecord[]>();
  sends.forEach((send, index) => {
    const stored = byCid.get(`${send.sender}/${send.cid}`)?.[0];
    for (const ack of send.acks) {
      if (!stored) {
        out.push({
          kind: 'lost_ack',
          user: send.sender,
          conversation: ack.conversation,
          detail: `message ${send.cid} of user ${send.sender} was acknowledged at seq ${ack.seq} but is not stored`,
          seqs: [ack.seq],
        });
      } else if (stored.conversation !== ack.conversation || stored.seq !== ack.seq) {
        out.push({
          kind: 'lost_ack',
          user: send.sender,
          conversation: ack.conversation,
          detail: `message ${send.cid} of user ${send.sender} was acknowledged at ${ack.conversation}/${ack.seq} but is stored at ${stored.conversation}/${stored.seq}`,
          seqs: [ack.seq, stored.seq],
        });
      }
    }
    if (send.failed !== undefined) {
      if (stored)
        out.push({
          kind: 'failed_send',
          user: send.sender,
          conversation: stored.conversation,
          detail: `message ${send.cid} of user ${send.sender} was reported failed (${send.failed}) but is stored at seq ${stored.seq}`,
          seqs: [stored.seq],
        });
      // A group message from a member removed before it went out is refused for good: that is the promise.
      else if (send.failed !== 'forbidden' || !('conversation' in send.target))
        out.push({ kind: 'failed_send', user: send.sender, detail: `message ${send.cid} of user ${send.sender} failed: ${send.failed}` });
    } else if (send.acks.length === 0) {
      unanswered.set(send.sender, [...(unanswered.get(send.sender) ?? []), send]);
    }
    if (!stored) return;
    const key = `${send.sender}/${stored.conversation}`;
    const before = lastSeq.get(key);
    if (before && before.seq > stored.seq) {
      out.push({
        kind: 'send_order',
        user: send.sender,
        conversation: stored.conversation,
        detail: `user ${send.sender} sent ${before.cid} before ${send.cid}, but they are stored at seqs ${before.seq} and ${stored.seq}`,
        seqs: [stored.seq, before.seq],
      });
    }
    if (!before || stored.seq > before.seq) lastSeq.set(key, { seq: stored.seq, index, cid: send.cid });
  });
  for (const [user, left] of unanswered) {
    const shown = left
      .slice(0, 5)
      .map((s) => `${s.cid} to ${'user' in s.target ? `user ${s.target.user}` : `conversation ${s.target.conversation}`}`);
    out.push({
      kind: 'stuck',
      user,
      detail: `${left.length} message(s) of user ${user} never acknowledged nor failed: ${shown.join(', ')}${left.length > 5 ? ', …' : ''}`,
    });
  }
  return out;
}

function checkDelivery(history: ChaosHistory, rowsOf: Map<number, StoredRow[]>): Violation[] {
  const out: Violation[] = [];
  const sentText = new Map(history.sends.map((s) => [`${s.sender}/${s.cid}`, s.text]));
  const receivedBy = new Map<string, ReceivedRecord[]>();
  for (const r of history.received)
    receivedBy.set(`${r.user}/${r.conversation}`, [...(receivedBy.get(`${r.user}/${r.conversation}`) ?? []), r]);
  const clients = new Set(history.clients.map((c) => c.user));
  for (const info of history.conversations) {
    const rows = rowsOf.get(info.conversation) ?? [];
    const lastSeq = rows.at(-1)?.seq ?? 0;
    const windows = membershipWindows(info, rows);
    const users = new Set([...windows.keys(), ...history.received.filter((r) => r.conversation === info.conversation).map((r) => r.user)]);
    for (const user of users) {
      if (!clients.has(user)) continue;
      const mine = windows.get(user) ?? [];
      const received = receivedBy.get(`${user}/${info.conversation}`) ?? [];
      const at = { user, conversation: info.conversation };
      const seen = new Set<number>();
      let last = 0;
      for (const r of received) {
        if (seen.has(r.seq))
          out.push({
            ...at,
            kind: 'duplicate',
            detail: `user ${user} received seq ${r.seq} of conversation ${info.conversation} twice`,
            seqs: [r.seq],
          });
        else if (r.seq < last)
          out.push({
            ...at,
            kind: 'reorder',
            detail: `user ${user} received seq ${r.seq} of conversation ${info.conversation} after seq ${last}`,
            seqs: [r.seq, last],
          });
        seen.add(r.seq);
        last = Math.max(last, r.seq);
        if (!windowOf(mine, r.seq))
          out.push({
            ...at,
            kind: 'after_removal',
            detail: `user ${user} received seq ${r.seq} of conversation ${info.conversation}, outside its windows ${describeWindows(mine)}`,
            seqs: [r.seq],
          });
        const row = rows[r.seq - 1];
        const text = sentText.get(`${r.from}/${r.cid}`);
        if (
          !row ||
          row.mid !== r.mid ||
          row.cid !== r.cid ||
          row.sender !== r.from ||
          row.kind !== r.kind ||
          (r.kind === 'message' && r.trust !== 'undecryptable' && text !== undefined && text !== r.text)
        ) {
          out.push({
            ...at,
            kind: 'corrupt',
            detail: `user ${user} received at seq ${r.seq} of conversation ${info.conversation} ${r.kind} ${r.from}/${r.cid} "${r.text}", stored: ${row ? `${row.kind} ${row.sender}/${row.cid}` : 'nothing'}${text === undefined ? '' : `, sent "${text}"`}`,
            seqs: [r.seq],
          });
        }
      }
      const missing = missingSeqs(mine, seen, lastSeq);
      if (missing.length > 0)
        out.push({
          ...at,
          kind: 'gap',
          detail: `user ${user} never received seqs ${ranges(missing)} of conversation ${info.conversation} (windows ${describeWindows(mine)}, last seq ${lastSeq})`,
          seqs: missing.slice(0, 3),
        });
    }
  }
  return out;
}

/** Seqs a client should have and has not: all of its last window, and any hole below the highest it got of an earlier one. */
function missingSeqs(windows: readonly MembershipWindow[], seen: ReadonlySet<number>, lastSeq: number): number[] {
  const missing: number[] = [];
  windows.forEach((w, i) => {
    const end = Math.min(w.to ?? lastSeq, lastSeq);
    const isLast = i === windows.length - 1;
    let upTo = end;
    if (!isLast) {
      upTo = 0;
      for (let seq = w.from; seq <= end; seq++) if (seen.has(seq)) upTo = seq;
    }
    for (let seq = w.from; seq <= upTo; seq++) if (!seen.has(seq)) missing.push(seq);
  });
  return missing;
}

function describeWindows(windows: readonly MembershipWindow[]): string {
  return windows.length === 0 ? '(none)' : windows.map((w) => `[${w.from}..${w.to ?? ''}]`).join(' ');
}

function checkClients(history: ChaosHistory): Violation[] {
  return history.clients.flatMap((c): Violation[] =>
    c.outbox > 0
      ? [
          {
            kind: 'stuck',
            user: c.user,
            detail: `client ${c.name} (user ${c.user}, ${c.state}) ended with ${c.outbox} message(s) in its outbox`,
          },
        ]
      : [],
  );
}
