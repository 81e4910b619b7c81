import type { ClientState } from './client-state.js';

/**
 * Tells a replayed message from a new one. A sender numbers the messages of each session 0, 1, 2… as
 * it seals them, the signature covers the number, and the server gives a sender's messages seqs in the
 * order they were sent (protocol.md § Order): so within one sender session, a later seq always carries
 * a higher index. A server that stores an old signed message again (or puts one out of its place) breaks
 * that, and the copy is caught here, however old it is.
 *
 * It keeps one mark per sender session, the latest message read of it (index and seq), in the client
 * state, so a replay is caught after a restart too. A message is consistent with the mark when its seq
 * and its index lie on the same side of the mark's (the same message read again, from history, is). The
 * state keeps MAX_SESSION_MARKS marks; a replay of a session whose mark was dropped (thousands of
 * sessions later) is not caught.
 */
export class ReplayGuard {
  constructor(private readonly state: ClientState) {}

  /**
   * True when the message fits every message read before of its sender session. A verified message
   * that is the session's latest becomes its mark; an unverified one never does, or a member who knows
   * the session key could forge a high index in another's name and make their next messages look
   * replayed.
   */
  check(message: { conversation: number; sender: number; sessionId: Uint8Array; index: number; seq: number }, verified: boolean): boolean {
    const { conversation, sender, sessionId, index, seq } = message;
    const key = `${conversation}:${sender}:${Buffer.from(sessionId).toString('hex')}`;
    const mark = this.state.sessionMark(key);
    if (mark === undefined || (seq > mark.seq && index > mark.index)) {
      if (verified) this.state.setSessionMark(key, { index, seq });
      return true;
    }
    if (seq === mark.seq) return index === mark.index;
    return seq < mark.seq && index < mark.index;
  }
}
