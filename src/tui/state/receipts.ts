import type { ConversationView } from '../../protocol/index.js';
import type { ChatSlice } from './types.js';

/**
 * The members' cursors as the views give them (restored from the server after a restart or on a new
 * device), merged with what pushes said: cursors only move forward, and read implies delivered.
 */
export function seedReceipts(receipts: ChatSlice['receipts'], views: readonly ConversationView[]): ChatSlice['receipts'] {
  const next = { ...receipts };
  for (const view of views) {
    const mine = { ...(next[view.conversation] ?? {}) };
    for (const m of view.members) mine[m.user] = mergeReceipt(mine[m.user], m.deliveredSeq ?? 0, m.readSeq ?? 0);
    next[view.conversation] = mine;
  }
  return next;
}

/** One member's cursors after news of them. */
export function mergeReceipt(
  old: { readonly delivered: number; readonly read: number } | undefined,
  delivered: number,
  read: number,
): { delivered: number; read: number } {
  const r = Math.max(old?.read ?? 0, read);
  return { delivered: Math.max(old?.delivered ?? 0, delivered, r), read: r };
}
