import type { ChatStore, OfflineUser, UserId } from '../../store/chat-store.js';
import { NodeNotRegisteredError } from '../../store/errors.js';
import type { Logger } from '../../util/logger.js';
import type { Presence } from '../delivery/presence.js';

/**
 * Tells everyone who can see the user, on this node and the others, that they came online or went
 * offline (session-lifecycle.ts `announce`). Its rejection is logged.
 */
export type AnnouncePresence = (userId: UserId, online: boolean, lastSeen?: number) => Promise<void>;

/**
 * This node's share of the cluster-wide presence table (docs/deploy.md), kept in line with its
 * in-memory Presence, which stays the truth about local sessions.
 *
 * Each user's writes run one after another (a chain per user), and each write first reads what the
 * local Presence says *now*: a login and a logout racing on this node can then never reach the
 * database in the wrong order and leave a row behind. The store says whether anyone else still sees
 * the user, so only the node that makes a user online somewhere / nowhere announces it.
 */
export class ClusterPresence {
  /** Users this node's last successful write recorded as having a session here. */
  readonly #written = new Set<UserId>();
  readonly #chains = new Map<UserId, Promise<void>>();
  #left = false;

  /**
   * `local` is this node's own sessions (the truth the table follows); `announce` is called when this
   * node is the one that makes a user online somewhere or nowhere.
   */
  constructor(
    private readonly store: ChatStore,
    private readonly nodeId: string,
    private readonly nodeTimeoutMs: number,
    private readonly local: Presence,
    private readonly logger: Logger,
    private readonly announce: AnnouncePresence,
  ) {}

  /** Brings the user's row in line with the local sessions (after a first login or last logout). */
  sync(userId: UserId): Promise<void> {
    return this.#enqueue(userId, () => this.#apply(userId));
  }

  /**
   * Rewrites every user whose row may be wrong: those whose last write failed (each heartbeat), or all
   * of them after the node was reaped while alive (`reaped`: its rows are gone, and others were told
   * its users went offline).
   */
  reconcile(reaped: boolean): Promise<void> {
    const local = new Set(this.local.users());
    const users = new Set([...local, ...this.#written]);
    const work: Promise<void>[] = [];
    for (const userId of users) {
      if (!reaped && local.has(userId) === this.#written.has(userId)) continue;
      work.push(
        this.#enqueue(userId, () => {
          if (reaped) this.#written.delete(userId);
          return this.#apply(userId);
        }),
      );
    }
    return Promise.all(work).then(() => undefined);
  }

  /** Users of the same page: those online on any live node (this one included). */
  onlineAmong(userIds: readonly UserId[]): Promise<Set<UserId>> {
    return this.store.onlineAmong(userIds, this.nodeTimeoutMs);
  }

  /**
   * Tells everyone that these users, left without a live node by a reaping or this node's leaving,
   * are offline. Never rejects: a failure is logged (the rows are gone either way).
   */
  async announceOffline(users: readonly OfflineUser[]): Promise<void> {
    for (const { userId, lastSeen } of users) {
      // Not for a user with a session here: this node's own row was not written yet (reconcile will).
      if (!this.#left && this.local.isOnline(userId)) continue;
      await this.announce(userId, false, lastSeen.getTime()).catch((error: unknown) =>
        this.logger.warn('announcing offline failed', { user: userId, error: String(error) }),
      );
    }
  }

  /** The node has left the registry (its rows are gone with it): write nothing more. */
  leave(): void {
    this.#left = true;
  }

  async #apply(userId: UserId): Promise<void> {
    if (this.#left) return;
    const online = this.local.isOnline(userId);
    if (online === this.#written.has(userId)) return;
    try {
      if (online) {
        const elsewhere = await this.store.markOnline(this.nodeId, userId, this.nodeTimeoutMs);
        this.#written.add(userId);
        if (!elsewhere) await this.announce(userId, true);
      } else {
        const stillOnline = await this.store.markOffline(this.nodeId, userId, this.nodeTimeoutMs);
        this.#written.delete(userId);
        if (!stillOnline) {
          const at = new Date();
          await this.store.setLastSeen(userId, at);
          await this.announce(userId, false, at.getTime());
        }
      }
    } catch (error) {
      // The row is as the last successful write left it; the next heartbeat's reconcile retries.
      const reason =
        error instanceof NodeNotRegisteredError ? 'this node was reaped; it registers again at its next heartbeat' : String(error);
      this.logger.warn('recording presence failed', { user: userId, online, error: reason });
    }
  }

  #enqueue(userId: UserId, work: () => Promise<void>): Promise<void> {
    // #apply never rejects, so a chain never breaks.
    const next = (this.#chains.get(userId) ?? Promise.resolve()).then(work);
    this.#chains.set(userId, next);
    void next.then(() => {
      if (this.#chains.get(userId) === next) this.#chains.delete(userId);
    });
    return next;
  }
}
