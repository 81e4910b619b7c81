import type { ConversationInfo, StoredRow } from './history.js';

/**
 * A member's stretch of a conversation (protocol.md § Membership windows): from the seq of their
 * `member_added` event (1 for founders and both users of a direct conversation) up to and including
 * their `member_removed` / `member_left` event; `to` is absent while they are still a member.
 */
export interface MembershipWindow {
  readonly from: number;
  readonly to?: number;
}

/** Every user's windows in one conversation, oldest first, from its rows (sorted by seq). */
export function membershipWindows(info: ConversationInfo, rows: readonly StoredRow[]): Map<number, MembershipWindow[]> {
  const windows = new Map<number, MembershipWindow[]>();
  const open = new Map<number, number>();
  for (const user of info.founders) open.set(user, 1);
  if (info.kind === 'group') {
    for (const row of rows) {
      const subject = row.subject ?? row.sender;
      if (row.kind === 'member_added' && !open.has(subject)) open.set(subject, row.seq);
      if ((row.kind === 'member_removed' || row.kind === 'member_left') && open.has(subject)) {
        push(windows, subject, { from: open.get(subject)!, to: row.seq });
        open.delete(subject);
      }
    }
  }
  for (const [user, from] of open) push(windows, user, { from });
  for (const list of windows.values()) list.sort((a, b) => a.from - b.from);
  return windows;
}

function push(windows: Map<number, MembershipWindow[]>, user: number, window: MembershipWindow): void {
  const list = windows.get(user) ?? [];
  list.push(window);
  windows.set(user, list);
}

/** The window holding `seq`, if any. */
export function windowOf(windows: readonly MembershipWindow[], seq: number): MembershipWindow | undefined {
  return windows.find((w) => seq >= w.from && (w.to === undefined || seq <= w.to));
}

/** "3-7, 9, 8" for [3, 4, 5, 6, 7, 9, 8]: runs of consecutive seqs shortened, the order kept. */
export function ranges(seqs: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < seqs.length;) {
    let j = i;
    while (j + 1 < seqs.length && seqs[j + 1] === seqs[j]! + 1) j++;
    parts.push(i === j ? `${seqs[i]}` : `${seqs[i]}-${seqs[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}
