import { legacyKeyText } from '../../crypto/index.js';
import type { LegacyObject } from '../../protocol/index.js';
import type { UserRecord } from '../../store/chat-store.js';
import type { ClientSession } from '../session/client-session.js';

/** What the directory needs of a legacy connection. */
export interface LegacyPeer {
  readonly session: ClientSession;
  sendJson(object: LegacyObject): void;
}

/** How a legacy client sees a name: upper case, as the original server stored them. */
export function legacyName(name: string): string {
  return name.toUpperCase();
}

/** A user's legacy key as `PublicKey(n, e)`, or undefined when they published none (legacy clients cannot reach them). */
export function legacyKeyOf(user: UserRecord): string | undefined {
  return user.legacyKey ? legacyKeyText(user.legacyKey) : undefined;
}

/**
 * The legacy connections of this node, so that every login and signup (modern or legacy), here or on
 * another node sharing the database (a `joined` cluster event), is announced to them as `old_user` /
 * `new_user`, as the original server did (legacy-protocol.md § Messages,
 * server to client). Users without a legacy key are not announced: a legacy client could not write to them.
 */
export class LegacyDirectory {
  readonly #peers = new Set<LegacyPeer>();

  add(peer: LegacyPeer): void {
    this.#peers.add(peer);
  }

  remove(peer: LegacyPeer): void {
    this.#peers.delete(peer);
  }

  /**
   * `name` is the name as the client sent it in its login or signup, as the original server echoed it
   * ("=> alice joined the server"); only letter case may differ from the account's, else (and for a
   * resume, which sends no name) the listed, upper-case form is used.
   */
  announce(user: UserRecord, fresh: boolean, except: ClientSession | undefined, nameAsSent?: string): void {
    if (this.#peers.size === 0) return;
    const key = legacyKeyOf(user);
    if (key === undefined) return;
    const name = nameAsSent !== undefined && legacyName(nameAsSent) === legacyName(user.name) ? nameAsSent : legacyName(user.name);
    const object = { 'info-type': fresh ? 'new_user' : 'old_user', name, id: String(user.id), public_key: key };
    for (const peer of this.#peers) if (peer.session !== except && peer.session.user) peer.sendJson(object);
  }
}
