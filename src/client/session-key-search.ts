import { parseEnvelope, type ParsedEnvelope } from '../crypto/index.js';
import type { RpcConnection } from './rpc-connection.js';

/** Pages of history searched at most for a session's first message. */
const MAX_PAGES = 20;

/**
 * Pages back through a conversation for the message that carried a sender session's key (its first
 * message): needed when a device sees a later message of a session whose start it never received.
 */
export async function findSessionKeyCarrier(
  rpc: RpcConnection,
  conversation: number,
  sender: number,
  sessionId: Buffer,
  beforeSeq: number,
): Promise<ParsedEnvelope | undefined> {
  let before = beforeSeq;
  for (let page = 0; page < MAX_PAGES && before > 1; page++) {
    const { messages } = await rpc.request({ t: 'history', conversation, before, limit: 200 });
    if (messages.length === 0) return undefined;
    for (const row of [...messages].reverse()) {
      if (row.from !== sender || row.kind !== 'message') continue;
      try {
        const envelope = parseEnvelope(row.body);
        if (envelope.carriesKeys && envelope.sessionId.equals(sessionId)) return envelope;
      } catch {
        // Not an envelope: skip it; the search is for one specific session's key carrier.
      }
    }
    before = messages[0]!.seq;
  }
  return undefined;
}
