import { NODE_ONLY, type Handler } from './handler.js';
import { forViewer } from '../delivery/memberships.js';
import { toConversationView } from '../views.js';

/** `conversations`: every conversation the user is or was in, with cursors (protocol.md § conversations). */
export const conversations: Handler<'conversations'> = {
  roles: NODE_ONLY,
  async handle(_request, { session, services }) {
    const views = await services.store.conversationsOf(session.requireUser().id);
    return { conversations: views.map((view) => toConversationView(forViewer(view))) };
  },
};
