import type { UserId, UserRecord } from '../../store/chat-store.js';
import type { ClientSession } from './client-session.js';
import { RequestError } from '../errors.js';
import type { ServerServices } from '../services.js';

/** Logs `session` in as `user`; the user's first session announces them online to their contacts. */
/**
 * Registers the logged-in session and announces it. `nameAsSent` is the name as the client wrote it in
 * its login or signup: legacy clients are told that one (the original server echoed it).
 */
export async function logIn(
  services: ServerServices,
  session: ClientSession,
  user: UserRecord,
  options: { fresh?: boolean; nameAsSent?: string } = {},
): Promise<void> {
  // The connection may have closed while the secret was being checked: a session registered now
  // would never be removed, and the user would look online for ever.
  if (!session.open) throw new RequestError('internal', 'the connection closed during login');
  session.logIn(user);
  services.metrics.logins.inc();
  if (services.presence.add(user.id, session)) {
    // Sharing a database, the user may already be online on another node: the cluster decides.
    if (services.cluster) await services.cluster.presence.sync(user.id);
    else await announce(services, user.id, true);
  }
  // Legacy clients are told of every login (`old_user`) and signup (`new_user`), as the original server did.
  services.legacy.announce(user, options.fresh === true, session, options.nameAsSent);
  services.cluster?.announce({
    t: 'joined',
    u: user.id,
    ...(options.fresh ? { fresh: true as const } : {}),
    ...(options.nameAsSent ? { nm: options.nameAsSent } : {}),
  });
}

/** Logs the session out (or forgets it when its connection closed); the last session announces offline. */
export async function logOut(services: ServerServices, session: ClientSession): Promise<void> {
  const user = session.user;
  if (!user) return;
  session.logOut();
  if (!services.presence.remove(user.id, session)) return;
  // Sharing a database, the user may still be online on another node: the cluster decides.
  if (services.cluster) return services.cluster.presence.sync(user.id);
  const at = new Date();
  await services.store.setLastSeen(user.id, at);
  await announce(services, user.id, false, at.getTime());
}

/** Presence goes to the users who can see it, on this node and (through the cluster) the others. */
export async function announce(services: ServerServices, userId: UserId, online: boolean, lastSeen?: number): Promise<void> {
  services.cluster?.announce({ t: 'presence', u: userId, on: online, ...(lastSeen === undefined ? {} : { ls: lastSeen }) });
  await pushPresence(services, userId, online, lastSeen);
}

/** Pushes presence to this node's sessions of those who share a conversation with the user. */
export async function pushPresence(services: ServerServices, userId: UserId, online: boolean, lastSeen?: number): Promise<void> {
  const views = await services.store.conversationsOf(userId);
  const contacts = views.flatMap((v) => (v.self.leftSeq === null ? v.members.map((m) => m.userId) : [])).filter((id) => id !== userId);
  services.fanout.toUsers(contacts, { t: 'presence', user: userId, online, ...(lastSeen === undefined ? {} : { lastSeen }) });
}
