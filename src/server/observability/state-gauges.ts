import type { Database } from '../../store/database.js';
import type { ChatServer } from '../chat-server.js';
import type { ServerServices } from '../services.js';

/**
 * Gauges read from live state when /metrics is scraped, so they cannot drift from it: open
 * connections by kind, logged-in sessions, online users, memory, the database kind, shutdown.
 */
export function addStateGauges(
  services: ServerServices,
  core: ChatServer,
  databaseKind: Database['kind'],
  shuttingDown: () => boolean,
): void {
  const r = services.metrics.registry;
  r.gauge('fastchat_connections', 'Open connections: node (framed, on a node port), coordinator, legacy (2022 JSON).', () =>
    Object.entries(core.connectionsByKind()).map(([kind, value]) => ({ labels: { role: kind }, value })),
  );
  r.gauge('fastchat_sessions', 'Logged-in sessions on this process.', () => [...services.presence.allSessions()].length);
  r.gauge('fastchat_users_online', 'Users with at least one session on this process.', () => services.presence.onlineCount);
  r.gauge('fastchat_database_info', 'The database this process uses (label kind: embedded or postgres); always 1.', () => [
    { labels: { kind: databaseKind }, value: 1 },
  ]);
  r.gauge('fastchat_shutting_down', '1 once a graceful shutdown has begun.', () => (shuttingDown() ? 1 : 0));
  r.gauge('process_resident_memory_bytes', 'Resident set size of this process.', () => process.memoryUsage.rss());
  r.gauge('nodejs_heap_used_bytes', 'V8 heap in use.', () => process.memoryUsage().heapUsed);
  r.gauge('nodejs_heap_total_bytes', 'V8 heap reserved.', () => process.memoryUsage().heapTotal);
}
