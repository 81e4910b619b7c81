import type { ChatStore, UserId } from '../../store/chat-store.js';
import type { Logger } from '../../util/logger.js';
import type { Presence } from '../delivery/presence.js';
import type { ClientSession } from './client-session.js';

/** What an ended session's client is told (protocol.md § Errors, `session_ended`). */
export const SESSION_ENDED_MESSAGE = 'this session was ended from another of your sessions, or your password was changed; log in again';

/**
 * Ending sessions (protocol.md § sessions): a logged-in session lives while its resume token does.
 * `end_session` revokes one token and `change_password` all but a new one; then every node ends the
 * sessions of that user whose token is gone with `session_ended` — after a password change also those
 * that never had one (a legacy connection, a login whose token could not be stored). The node where
 * the change was made does so at once; the others on the cluster event `sessions` (cluster-relay.ts),
 * and after missed events (resyncAll: revoked tokens only, since it cannot know what was missed).
 * A modern login, signup or resume holds its token before its session is registered, so a session
 * is never seen without one in between.
 *
 * A login or resume that was being checked while the user's sessions changed may have read the old
 * state (a token the change then deleted) and register its session only after this node looked:
 * `changes` counts the changes this node has seen, and such a login looks again once its session is
 * registered (accounts.ts).
 */
export class SessionEndings {
  #changes = 0;

  constructor(
    private readonly store: ChatStore,
    private readonly presence: Presence,
    private readonly logger: Logger,
  ) {}

  /** Changes of anyone's sessions seen by this node so far: a login compares it before and after. */
  get changes(): number {
    return this.#changes;
  }

  /**
   * Ends this node's sessions of `userId` whose token the store no longer holds, all but `except`
   * (the session that made the change). With `tokenless` (the password changed), also those that
   * never had a token: legacy connections, and logins whose token could not be stored, which the old
   * password let in. Returns how many it ended.
   */
  async endRevoked(userId: UserId, options: { except?: ClientSession; tokenless?: boolean } = {}): Promise<number> {
    this.#changes++;
    const { except, tokenless = false } = options;
    if (!this.#hasSessionsBesides(userId, except)) return 0;
    const live = new Set((await this.store.resumeTokensOf(userId)).map((token) => token.id));
    let ended = 0;
    for (const session of [...this.presence.sessionsOf(userId)]) {
      if (session === except) continue;
      const token = session.token;
      if (token === undefined ? !tokenless : live.has(token.id)) continue;
      this.logger.info('ending a session', { user: userId, token: token?.id ?? 'none' });
      session.end('session_ended', SESSION_ENDED_MESSAGE);
      ended++;
    }
    return ended;
  }

  /**
   * Called by a login or resume once its session is registered, with `changes` as it was before the
   * credentials were checked: if the sessions of anyone changed meanwhile, looks again, so that a
   * login that read a token or password a change then revoked does not outlive the change.
   */
  async settle(session: ClientSession, seen: number): Promise<void> {
    const user = session.user;
    if (this.#changes === seen || user === undefined) return;
    await this.endRevoked(user.id);
  }

  #hasSessionsBesides(userId: UserId, except: ClientSession | undefined): boolean {
    for (const session of this.presence.sessionsOf(userId)) if (session !== except) return true;
    return false;
  }
}
