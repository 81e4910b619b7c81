import { NODE_ONLY, type Handler } from '../handler.js';
import { userView } from '../views.js';

/** Users per page when the request names no limit. */
const DEFAULT_PAGE = 100;

/** `users`: the directory, a page at a time, with online state (protocol.md § users). */
export const users: Handler<'users'> = {
  roles: NODE_ONLY,
  async handle(request, { services }) {
    if (request.ids) {
      const found = await services.store.usersById(request.ids);
      return { users: found.map((user) => userView(user, services.presence.isOnline(user.id))), more: false };
    }
    const limit = request.limit ?? DEFAULT_PAGE;
    const rows = await services.store.listUsers({ afterId: request.after ?? 0, limit: limit + 1, ...(request.prefix ? { prefix: request.prefix } : {}) });
    return {
      users: rows.slice(0, limit).map((user) => userView(user, services.presence.isOnline(user.id))),
      more: rows.length > limit,
    };
  },
};
