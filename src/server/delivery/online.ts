import type { UserId } from '../../store/chat-store.js';
import type { ServerServices } from '../services.js';

/**
 * Who of `ids` is online: on this node by its sessions, or on any live node sharing the database (one
 * query for them all; none when no other node can exist). For the directory (`users`) and the legacy
 * user lists alike.
 */
export async function onlineOf(services: ServerServices, ids: readonly UserId[]): Promise<(id: UserId) => boolean> {
  const remote = services.cluster && ids.length > 0 ? await services.cluster.presence.onlineAmong(ids) : new Set<UserId>();
  return (id) => services.presence.isOnline(id) || remote.has(id);
}
