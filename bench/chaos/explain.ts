import type { ChaosHistory, Violation } from './history.js';
import { membershipWindows, ranges } from './windows.js';

/** Lines of timeline kept around a violation (the last ones before its evidence). */
const MAX_LINES = 40;

/**
 * The shortest story that shows a violation: the membership of its conversation, the stored rows
 * next to the seqs it is about, and the timeline of its client and conversation (with the faults)
 * up to the last thing that concerns those seqs, not the whole log.
 */
export function explainViolation(history: ChaosHistory, v: Violation): string[] {
  const lines: string[] = [];
  const info = history.conversations.find((c) => c.conversation === v.conversation);
  const rows = history.stored.filter((r) => r.conversation === v.conversation).sort((a, b) => a.seq - b.seq);
  if (info) {
    const windows = membershipWindows(info, rows);
    lines.push(
      `conversation ${info.conversation} (${info.kind}), ${rows.length} rows; windows: ${[...windows].map(([u, ws]) => `user ${u} ${ws.map((w) => `[${w.from}..${w.to ?? ''}]`).join('')}`).join(', ')}`,
    );
  }
  const seqs = v.seqs ?? [];
  const near = rows.filter((r) => seqs.some((s) => Math.abs(r.seq - s) <= 2) || (r.kind !== 'message' && seqs.some((s) => r.seq <= s)));
  for (const r of near.slice(-12))
    lines.push(`  stored seq ${r.seq}: ${r.kind} from ${r.sender}${r.subject === null ? '' : ` about ${r.subject}`} cid ${r.cid}`);
  if (v.user !== undefined && v.conversation !== undefined) {
    const got = history.received.filter((r) => r.user === v.user && r.conversation === v.conversation).map((r) => r.seq);
    lines.push(`  user ${v.user} received, in order: ${ranges(got) || '(nothing)'}`);
  }
  const mentions = (text: string) => seqs.some((s) => new RegExp(`\\bseq ${s}\\b`).test(text));
  const relevant = history.timeline.filter(
    (e) =>
      (e.user === undefined && e.conversation === undefined) ||
      (e.user === undefined && e.conversation === v.conversation) ||
      (e.user === v.user && (e.conversation === undefined || v.conversation === undefined || e.conversation === v.conversation)),
  );
  // A stuck client's story is its connection and its sends, not the rows it received meanwhile.
  if (v.kind === 'stuck') relevant.splice(0, relevant.length, ...relevant.filter((e) => !e.text.startsWith('received seq')));
  const lastMention = relevant.reduce((last, e, i) => (mentions(e.text) ? i : last), relevant.length - 1);
  for (const e of relevant.slice(Math.max(0, lastMention + 1 - MAX_LINES), lastMention + 1))
    lines.push(`  ${(e.at / 1000).toFixed(3)}s ${e.user === undefined ? '' : `[user ${e.user}] `}${e.text}`);
  return lines;
}
