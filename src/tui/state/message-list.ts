import type { MessageItem, MessageList } from './types.js';

export const EMPTY_LIST: MessageList = { items: [], hasOlder: true, loadingOlder: false };

/** Index of the first item without a seq (own messages still queued or failed sit at the end). */
function firstPending(items: readonly MessageItem[]): number {
  let i = items.length;
  while (i > 0 && items[i - 1]!.seq === undefined) i--;
  return i;
}

/** How far back from the end a duplicate is looked for: live rows and echoes are recent. */
const RECENT = 200;

function findRecent(items: readonly MessageItem[], test: (item: MessageItem) => boolean): number {
  for (let i = items.length - 1; i >= Math.max(0, items.length - RECENT); i--) if (test(items[i]!)) return i;
  return -1;
}

/**
 * Adds live messages in seq order (they usually go at the end, before queued own messages). A
 * message whose cid is already listed replaces it (an own message coming back stored).
 */
export function appendMessages(list: MessageList, incoming: readonly MessageItem[]): MessageList {
  let items = list.items.slice();
  for (const item of incoming) {
    const same = findRecent(items, (m) => m.cid === item.cid);
    if (same >= 0) items.splice(same, 1);
    else if (item.seq !== undefined && findRecent(items, (m) => m.seq === item.seq) >= 0) continue;
    if (item.seq === undefined) {
      items.push(item);
      continue;
    }
    let at = firstPending(items);
    while (at > 0 && items[at - 1]!.seq! > item.seq) at--;
    items.splice(at, 0, item);
  }
  if (items.length === list.items.length && items.every((m, i) => m === list.items[i])) items = list.items as MessageItem[];
  return { ...list, items };
}

/** Puts a page of older messages in front, skipping any already listed. */
export function prependMessages(list: MessageList, older: readonly MessageItem[], hasOlder: boolean): MessageList {
  const first = list.items.find((m) => m.seq !== undefined)?.seq ?? Infinity;
  const page = older.filter((m) => m.seq !== undefined && m.seq < first).sort((a, b) => a.seq! - b.seq!);
  return { items: [...page, ...list.items], hasOlder, loadingOlder: false };
}

/** Applies `change` to the item with this cid, if listed. */
export function updateByCid(list: MessageList, cid: string, change: (item: MessageItem) => MessageItem): MessageList {
  for (let i = list.items.length - 1; i >= 0; i--) {
    if (list.items[i]!.cid !== cid) continue;
    const items = list.items.slice();
    items[i] = change(items[i]!);
    return { ...list, items };
  }
  return list;
}
