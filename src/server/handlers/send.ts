import { RequestError } from '../errors.js';
import { NODE_ONLY, type Handler } from '../handler.js';
import { notAMember } from '../memberships.js';

/**
 * `send` (protocol.md § send): queues the ciphertext for the next group commit and answers only once
 * it is durably stored. A resend with the same `cid` is answered with the first copy, not stored twice.
 * Past the user's send rate it is refused with `rate_limited` and nothing is stored.
 */
export const send: Handler<'send'> = {
  roles: NODE_ONLY,
  async handle(request, { session, services }) {
    const user = session.requireUser();
    // Before any other work, so a flood costs the server one map lookup per refused send (protocol.md § Limits).
    const retryAfterMs = services.sendRate.take(user.id);
    if (retryAfterMs > 0) {
      services.metrics.rateLimitedSends.inc();
      // And the connection is not read again before then: a flooder's next sends wait in its own socket.
      throw new RequestError('rate_limited', `too many messages; send again in ${retryAfterMs} ms`, { retryAfterMs, holdConnection: true });
    }
    if ((request.conversation === undefined) === (request.to === undefined)) {
      throw new RequestError('bad_request', 'give exactly one of conversation and to');
    }
    let conversationId = request.conversation;
    if (request.to !== undefined) {
      if (request.to === user.id) throw new RequestError('bad_request', 'to: cannot send a direct message to yourself');
      conversationId = await services.memberships.directConversation(user.id, request.to);
    }
    const outcome = await services.writer.send({ senderId: user.id, conversationId: conversationId!, clientId: request.cid, body: request.body });
    if (outcome.status === 'forbidden') {
      throw await notAMember(services.store, await services.memberships.get(conversationId!), user.id);
    }
    const { message } = outcome;
    return {
      conversation: message.conversationId,
      seq: message.seq,
      mid: message.mid,
      ts: message.createdAt.getTime(),
      duplicate: outcome.status === 'duplicate',
    };
  },
};
