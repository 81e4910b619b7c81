import { NODE_ONLY, type Handler } from './handler.js';

/**
 * `sessions` (protocol.md § sessions): the user's resume tokens, newest first, by id and dates, never
 * the tokens themselves; `current` marks the one this connection holds.
 */
export const sessions: Handler<'sessions'> = {
  roles: NODE_ONLY,
  async handle(_request, { session, services }) {
    const user = session.requireUser();
    const tokens = await services.store.resumeTokensOf(user.id);
    return {
      sessions: tokens.map((token) => ({
        id: token.id,
        createdAt: token.createdAt.getTime(),
        lastUsedAt: token.lastUsedAt.getTime(),
        expiresAt: token.expiresAt.getTime(),
        current: token.id === session.token?.id,
      })),
    };
  },
};
