import { NODE_ONLY, type Handler } from './handler.js';
import { onlineOf } from '../delivery/online.js';
import { toUserView } from '../views.js';

/** Users per page when the request names no limit. */
const DEFAULT_PAGE = 100;

/** `users`: the directory, a page at a time, with online state (protocol.md § users). */
export const users: Handler<'users'> = {
  roles: NODE_ONLY,
  async handle(request, { services }) {
    if (request.ids) {
      const found = await services.store.usersById(request.ids);
      const online = await onlineOf(
        services,
        found.map((u) => u.id),
      );
      return { users: found.map((user) => toUserView(user, online(user.id))), more: false };
    }
    const limit = request.limit ?? DEFAULT_PAGE;
    const rows = await services.store.listUsers({
      afterId: request.after ?? 0,
      limit: limit + 1,
      ...(request.prefix ? { prefix: request.prefix } : {}),
    });
    const page = rows.slice(0, limit);
    const online = await onlineOf(
      services,
      page.map((u) => u.id),
    );
    return { users: page.map((user) => toUserView(user, online(user.id))), more: rows.length > limit };
  },
};
