import { StoreError } from '../../store/errors.js';
import { RequestError } from '../errors.js';
import { NODE_ONLY, type Handler } from './handler.js';
import { blockedBy, notAMember } from '../delivery/memberships.js';
import { shuttingDown } from '../delivery/message-writer.js';
import { conversationStream, type StreamKey } from '../delivery/send-order.js';

/**
 * `send` (protocol.md § send): queues the ciphertext for the next group commit and answers only once
 * it is durably stored. A resend with the same `cid` is answered with the first copy, not stored twice.
 * Past the user's send rate it is refused with `rate_limited` and nothing is stored. A connection's
 * sends enter the writer in the order they came, and after a refusal that is not final the later ones
 * to that conversation wait for its resend (send-order.ts, protocol.md § Delivery).
 */
export const send: Handler<'send'> = {
  roles: NODE_ONLY,
  async handle(request, { session, services }) {
    const user = session.requireUser();
    const order = session.sendOrder;
    // First, before any await: tickets are taken in the order the sends came.
    const ticket = order.take();
    const streams = streamsOf(
      request.conversation,
      request.to,
      request.to === undefined ? undefined : services.memberships.knownDirect(user.id, request.to),
    );
    try {
      // Before any other work, so a flood costs the server one map lookup per refused send (protocol.md § Limits).
      const retryAfterMs = services.sendRate.take(user.id);
      if (retryAfterMs > 0) {
        services.metrics.rateLimitedSends.inc();
        // And the connection is not read again before then: a flooder's next sends wait in its own socket.
        throw new RequestError('rate_limited', `too many messages; send again in ${retryAfterMs} ms`, {
          retryAfterMs,
          holdConnection: true,
        });
      }
      if ((request.conversation === undefined) === (request.to === undefined)) {
        throw new RequestError('bad_request', 'give exactly one of conversation and to');
      }
      let conversationId = request.conversation;
      if (request.to !== undefined) {
        if (request.to === user.id) throw new RequestError('bad_request', 'to: cannot send a direct message to yourself');
        conversationId = await services.memberships.directConversation(user.id, request.to);
        if (!streams.includes(conversationStream(conversationId))) streams.push(conversationStream(conversationId));
      }
      if (ticket.turn) await ticket.turn;
      // A stopping server stores nothing more: say so, rather than out_of_order behind a send it
      // refused for stopping (the connection closes; the client resends from there on its next one).
      if (services.writer.closing) throw shuttingDown();
      order.admit(ticket.number, request.cid, streams);
      const stored = services.writer.send(
        { senderId: user.id, conversationId: conversationId!, clientId: request.cid, body: request.body },
        { order, ticket: ticket.number },
      );
      ticket.done();
      const outcome = await stored;
      if (outcome.status === 'forbidden') {
        const entry = await services.memberships.get(conversationId!);
        const peer = outcome.blocked && entry ? [...entry.members.keys()].find((id) => id !== user.id) : undefined;
        throw peer === undefined ? await notAMember(services.store, entry, user.id) : await blockedBy(services.store, peer);
      }
      const { message } = outcome;
      return {
        conversation: message.conversationId,
        seq: message.seq,
        mid: message.mid,
        ts: message.createdAt.getTime(),
        duplicate: outcome.status === 'duplicate',
      };
    } catch (error) {
      order.refused(ticket.number, request.cid, streams, codeOf(error));
      throw error;
    } finally {
      ticket.done();
    }
  },
};

/**
 * The streams a send holds or is held by (send-order.ts): its conversation, and for a send by `to` also
 * that user, as a send refused before its conversation is looked up (rate_limited) knows only them.
 */
function streamsOf(conversation: number | undefined, to: number | undefined, knownDirect: number | undefined): StreamKey[] {
  const streams: StreamKey[] = [];
  if (conversation !== undefined) streams.push(conversationStream(conversation));
  if (to !== undefined) streams.push(`to:${to}`);
  if (knownDirect !== undefined) streams.push(conversationStream(knownDirect));
  return streams;
}

/** The code the client will be told (handlers/index.ts passes a store's refusals on; anything else is `internal`). */
function codeOf(error: unknown): string {
  return error instanceof RequestError || error instanceof StoreError ? error.code : 'internal';
}
