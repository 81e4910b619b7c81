import { RequestError } from '../errors.js';
import { NODE_ONLY, type Handler } from '../handler.js';
import { pushViews, viewFor } from '../membership-change.js';

/** `group_create` (protocol.md § group_create): the creator is admin; every member is told. */
export const groupCreate: Handler<'group_create'> = {
  roles: NODE_ONLY,
  async handle(request, { session, services }) {
    const user = session.requireUser();
    const members = [...new Set(request.members)].filter((id) => id !== user.id);
    const entry = await services.writer.exclusive(async () => {
      const { conversation, events } = await services.store.createGroup(user.id, request.name, members);
      const entry = await services.memberships.refresh(conversation.id);
      await services.fanout.messages(events);
      return entry;
    });
    if (!entry) throw new RequestError('internal', 'the new group could not be read back');
    pushViews(services, entry);
    return { conversation: viewFor(entry, user.id)! };
  },
};
