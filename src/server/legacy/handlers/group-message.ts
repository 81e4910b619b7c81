import { randomUUID } from 'node:crypto';
import { encodeLegacyBody } from '../../../protocol/index.js';
import { isCurrent } from '../../delivery/memberships.js';
import { id } from '../fields.js';
import type { LegacyHandler } from '../legacy-handler.js';
import { ciphertext, legacySendAllowed } from './send-message.js';

/**
 * `group-message` (text, receiver, group_id): one member's copy of a group message (the original
 * client sends one per member). Stored in the group as a legacy body for that member; the writer
 * checks the sender's membership atomically with the commit.
 */
export const groupMessage: LegacyHandler = {
  roles: ['node'],
  async handle(object, { services, session }) {
    const user = session.requireUser();
    const body = ciphertext(object);
    const receiver = id(object, 'receiver');
    const groupId = id(object, 'group_id');
    if (!legacySendAllowed(services, user.id, 'group-message')) return;
    const entry = await services.memberships.get(groupId);
    if (!entry || entry.conversation.kind !== 'group' || !isCurrent(entry.members.get(receiver))) {
      services.logger.info('legacy group-message to a non-member', { user: user.id, group: groupId, receiver });
      return;
    }
    const outcome = await services.writer.send({
      senderId: user.id,
      conversationId: groupId,
      clientId: randomUUID(),
      body: encodeLegacyBody({ to: receiver, text: body }),
    });
    if (outcome.status === 'forbidden') services.logger.info('legacy group-message refused', { user: user.id, group: groupId });
  },
};
