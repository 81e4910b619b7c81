/** The node registry of a shared database (scale-out): one row per live server process. */
import { NODE_APPLICATION_PREFIX, type NodeRecord } from '../chat-store.js';
import type { Queryable } from '../database.js';

interface NodeRow extends Record<string, unknown> {
  id: string;
  host: string;
  ports: number[];
  connections: number;
  heartbeat_at: Date;
}

/** NOTIFY as a function, so that the channel and payload are parameters like any other value. */
export async function notify(db: Queryable, channel: string, payload: string): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [channel, payload]);
}

export async function registerNode(db: Queryable, node: { id: string; host: string; ports: readonly number[] }): Promise<void> {
  await db.query(
    `INSERT INTO nodes (id, host, ports, connections, heartbeat_at, started_at)
     VALUES ($1, $2, $3::integer[], 0, now(), now())
     ON CONFLICT (id) DO UPDATE SET host = EXCLUDED.host, ports = EXCLUDED.ports, heartbeat_at = now()`,
    [node.id, node.host, [...node.ports]],
  );
}

export async function heartbeatNode(db: Queryable, id: string, connections: number): Promise<boolean> {
  const { rows } = await db.query('UPDATE nodes SET connections = $2, heartbeat_at = now() WHERE id = $1 RETURNING id', [id, connections]);
  return rows.length > 0;
}

export async function liveNodes(db: Queryable, maxAgeMs: number): Promise<NodeRecord[]> {
  // The database's clock judges every heartbeat, so nodes on machines with skewed clocks agree.
  const { rows } = await db.query<NodeRow>(
    `SELECT id, host, ports, connections, heartbeat_at FROM nodes
     WHERE heartbeat_at > now() - make_interval(secs => $1::double precision / 1000)
     ORDER BY id`,
    [maxAgeMs],
  );
  return rows.map((row) => ({ id: row.id, host: row.host, ports: row.ports, connections: row.connections, heartbeatAt: row.heartbeat_at }));
}

/** Ids of the nodes with a LISTEN connection open to this database now (chat-store.ts nodeApplicationName). */
export async function listeningNodes(db: Queryable): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT DISTINCT substr(application_name, $1::integer + 1) AS id FROM pg_stat_activity
     WHERE datname = current_database() AND starts_with(application_name, $2)`,
    [NODE_APPLICATION_PREFIX.length, NODE_APPLICATION_PREFIX],
  );
  return new Set(rows.map((row) => row.id));
}
