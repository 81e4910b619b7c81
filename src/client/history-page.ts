import type { MessageView } from '../protocol/index.js';
import type { RpcConnection } from './rpc-connection.js';

/**
 * Up to `limit` rows of a conversation before `before` (the newest when absent), ascending, as one
 * `history` request would give them if replies had no size limit: the server stops a reply at
 * HISTORY_REPLY_MAX_BYTES of bodies and says `more` (protocol.md § history), and this asks again
 * from the oldest row it got until the page is whole. Callers rely on a page being whole: a short
 * one means the rest is not the member's to see (inbox-gap.ts), or that there is nothing older.
 */
export async function historyPage(
  rpc: RpcConnection,
  conversation: number,
  before: number | undefined,
  limit: number,
): Promise<MessageView[]> {
  const parts: Array<readonly MessageView[]> = [];
  let got = 0;
  let upTo = before;
  while (got < limit) {
    const reply = await rpc.request({ t: 'history', conversation, limit: limit - got, ...(upTo === undefined ? {} : { before: upTo }) });
    parts.push(reply.messages);
    got += reply.messages.length;
    if (reply.more !== true || reply.messages.length === 0) break;
    upTo = reply.messages[0]!.seq;
  }
  return parts.reverse().flat();
}
