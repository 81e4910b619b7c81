import { randomUUID } from 'node:crypto';
import { encodeLegacyBody, LEGACY_TEXT_MAX } from '../../../protocol/index.js';
import type { UserId } from '../../../store/chat-store.js';
import type { ServerServices } from '../../services.js';
import { id, LegacyInputError, text } from '../fields.js';
import type { LegacyHandler } from '../legacy-handler.js';

/** The decimal-bytes ciphertext of legacy-protocol.md § The legacy ciphertext. */
export const CIPHERTEXT = /^\d{1,3}( \d{1,3})*$/;

/** `text` of a send: a legacy ciphertext, or the connection is closed. */
export function ciphertext(object: Record<string, unknown>): string {
  const value = text(object, 'text', LEGACY_TEXT_MAX, 1);
  if (!CIPHERTEXT.test(value)) throw new LegacyInputError('text: expected ciphertext bytes in decimal separated by spaces');
  return value;
}

/**
 * Takes one send from the user's rate (protocol.md § Limits). The legacy protocol answers sends with
 * nothing, so a send past the rate is dropped with a log line and the connection stays (docs/legacy.md).
 */
export function legacySendAllowed(services: ServerServices, userId: UserId, infoType: string): boolean {
  const retryAfterMs = services.sendRate.take(userId);
  if (retryAfterMs === 0) return true;
  services.metrics.rateLimitedSends.inc();
  services.logger.warn('legacy send dropped: over the send rate', { user: userId, infoType, retryAfterMs });
  return false;
}

/**
 * `send-message` (text, receiver): stored in the direct conversation through the same writer as
 * modern sends, as a legacy body for the receiver; nothing is answered (the original server answered
 * nothing either). Delivery follows from the commit (fan-out, feeds).
 */
export const sendMessage: LegacyHandler = {
  roles: ['node'],
  async handle(object, { services, session }) {
    const user = session.requireUser();
    const body = ciphertext(object);
    const receiver = id(object, 'receiver');
    if (receiver === user.id) return;
    if (!legacySendAllowed(services, user.id, 'send-message')) return;
    let conversationId: number;
    try {
      conversationId = await services.memberships.directConversation(user.id, receiver);
    } catch (error) {
      services.logger.info('legacy send-message to an unknown user', { user: user.id, receiver, error: String(error) });
      return;
    }
    const outcome = await services.writer.send({
      senderId: user.id,
      conversationId,
      clientId: randomUUID(),
      body: encodeLegacyBody({ to: receiver, text: body }),
    });
    if (outcome.status === 'forbidden') services.logger.info('legacy send-message refused', { user: user.id, receiver });
  },
};
