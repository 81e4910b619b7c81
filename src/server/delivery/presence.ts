import type { UserId } from '../../store/chat-store.js';
import type { ClientSession } from '../session/client-session.js';

/**
 * Who is online on this node: every logged-in session by user. A user with several sessions is
 * online until the last one closes.
 */
export class Presence {
  readonly #sessions = new Map<UserId, Set<ClientSession>>();

  /** Registers a logged-in session; true when it is the user's first (they just came online). */
  add(userId: UserId, session: ClientSession): boolean {
    let set = this.#sessions.get(userId);
    if (!set) {
      set = new Set();
      this.#sessions.set(userId, set);
    }
    set.add(session);
    return set.size === 1;
  }

  /** Unregisters a session; true when it was the user's last (they just went offline). */
  remove(userId: UserId, session: ClientSession): boolean {
    const set = this.#sessions.get(userId);
    if (!set?.delete(session)) return false;
    if (set.size > 0) return false;
    this.#sessions.delete(userId);
    return true;
  }

  isOnline(userId: UserId): boolean {
    return this.#sessions.has(userId);
  }

  sessionsOf(userId: UserId): ReadonlySet<ClientSession> {
    return this.#sessions.get(userId) ?? EMPTY;
  }

  /** Every user with a session on this node. */
  users(): Iterable<UserId> {
    return this.#sessions.keys();
  }

  /** Every logged-in session on this node. */
  *allSessions(): Iterable<ClientSession> {
    for (const set of this.#sessions.values()) yield* set;
  }

  /** Users with at least one session. */
  get onlineCount(): number {
    return this.#sessions.size;
  }
}

const EMPTY: ReadonlySet<ClientSession> = new Set();
