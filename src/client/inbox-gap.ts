import { HISTORY_PAGE_MAX, type MessageView } from '../protocol/index.js';
import { historyPage } from './history-page.js';
import type { RpcConnection } from './rpc-connection.js';

/** A page of a gap: the rows the member may see, and the seq up to which the gap is now settled. */
export interface GapPage {
  readonly rows: readonly MessageView[];
  /** Every seq up to this one is in `rows` or a page before, or is not the member's to see. */
  readonly through: number;
}

/**
 * The rows of a conversation strictly between `after` and `before` (a row that arrived ahead of
 * them), fetched with `history`, in seq order and a page at a time so that memory stays bounded.
 *
 * A gap can be legitimate: seqs outside the member's window (before a re-add, protocol.md
 * § Membership windows) never come. `history` answers only rows in the window, and a window is one
 * run of seqs without holes, so a page asked for exactly the seqs [B - L, B) holds all of them that
 * the member may see: what it lacks is not theirs, and the gap closes over it. (Nothing is missing
 * for a commit still under way: the row above the gap committed later, after the row below it.)
 */
export async function* fillGap(rpc: () => RpcConnection, conversation: number, after: number, before: number): AsyncGenerator<GapPage> {
  const page = (upTo: number, from: number) => historyPage(rpc(), conversation, upTo, upTo - from - 1);
  // The top of the gap first: one request settles a small gap, and a window that starts inside it.
  const topFrom = Math.max(after, before - 1 - HISTORY_PAGE_MAX);
  const top = await page(before, topFrom);
  if (topFrom === after || top.length < before - topFrom - 1) {
    yield { rows: top, through: before - 1 };
    return;
  }
  // A larger gap whose top is all visible: the rest from the bottom up, a page at a time.
  for (let from = after; from < topFrom;) {
    const upTo = Math.min(from + 1 + HISTORY_PAGE_MAX, topFrom + 1);
    yield { rows: await page(upTo, from), through: upTo - 1 };
    from = upTo - 1;
  }
  yield { rows: top, through: before - 1 };
}
