/**
 * Cluster-wide presence (scale-out, schema.sql version 5): one `presence` row per (node, user with a
 * session there). A user is online while one of their rows belongs to a live node.
 *
 * Who announces a change is decided here, so that exactly one node does even when several change the
 * same user at once: every change first locks the user's row (FOR NO KEY UPDATE: it does not block the
 * key-share locks that foreign keys take), then writes, then looks at the other nodes' rows in a fresh
 * snapshot (READ COMMITTED). Two nodes closing a user's last sessions at once thus see each other's
 * deletion, and one of them says "offline". Node rows are always locked before user rows, in id order,
 * so a reaper and a login never deadlock.
 */
import type { OfflineUser, UserId } from '../chat-store.js';
import type { Database, Queryable } from '../database.js';
import { NodeNotRegisteredError } from '../errors.js';

/** `n.heartbeat_at` within the timeout in $N (milliseconds); a NULL timeout counts every registered node. */
const live = (param: number) =>
  `($${param}::double precision IS NULL OR n.heartbeat_at > now() - make_interval(secs => $${param}::double precision / 1000))`;

async function lockUsers(tx: Queryable, userIds: readonly UserId[]): Promise<void> {
  await tx.query('SELECT id FROM users WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE', [userIds]);
}

/** Of `userIds`, those with a row on a live node other than `exceptNode` (null: any). */
async function onlineOn(
  tx: Queryable,
  userIds: readonly UserId[],
  exceptNode: string | null,
  nodeTimeoutMs: number | null,
): Promise<Set<UserId>> {
  const { rows } = await tx.query<{ user_id: number }>(
    `SELECT DISTINCT p.user_id FROM presence p JOIN nodes n ON n.id = p.node_id
     WHERE p.user_id = ANY($1::bigint[]) AND ($2::text IS NULL OR p.node_id <> $2::text) AND ${live(3)}`,
    [userIds, exceptNode, nodeTimeoutMs],
  );
  return new Set(rows.map((r) => r.user_id));
}

export function markOnline(db: Database, nodeId: string, userId: UserId, nodeTimeoutMs: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    // KEY SHARE keeps a reaper from deleting the node until we commit (it skips locked nodes).
    const node = await tx.query('SELECT id FROM nodes WHERE id = $1 FOR KEY SHARE', [nodeId]);
    if (node.rows.length === 0) throw new NodeNotRegisteredError(nodeId);
    await lockUsers(tx, [userId]);
    await tx.query('INSERT INTO presence (node_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [nodeId, userId]);
    return (await onlineOn(tx, [userId], nodeId, nodeTimeoutMs)).has(userId);
  });
}

export function markOffline(db: Database, nodeId: string, userId: UserId, nodeTimeoutMs: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    await lockUsers(tx, [userId]);
    await tx.query('DELETE FROM presence WHERE node_id = $1 AND user_id = $2', [nodeId, userId]);
    return (await onlineOn(tx, [userId], null, nodeTimeoutMs)).has(userId);
  });
}

export async function onlineAmong(db: Queryable, userIds: readonly UserId[], nodeTimeoutMs: number): Promise<Set<UserId>> {
  if (userIds.length === 0) return new Set();
  return onlineOn(db, userIds, null, nodeTimeoutMs);
}

export function reapDeadNodes(db: Database, nodeTimeoutMs: number): Promise<OfflineUser[]> {
  return db.transaction(async (tx) => {
    // SKIP LOCKED: a node another reaper is deleting (or that is recording a login) is left to them
    // or to the next heartbeat, so reapers never wait for each other and each dead node has one reaper.
    const { rows } = await tx.query<{ id: string }>(
      `SELECT id FROM nodes WHERE heartbeat_at <= now() - make_interval(secs => $1::double precision / 1000)
       ORDER BY id FOR UPDATE SKIP LOCKED`,
      [nodeTimeoutMs],
    );
    if (rows.length === 0) return [];
    // Its users were last seen at its last heartbeat: the last moment it was known to serve them.
    return dropNodes(
      tx,
      rows.map((r) => r.id),
      true,
      nodeTimeoutMs,
    );
  });
}

export function removeNode(db: Database, nodeId: string, nodeTimeoutMs: number | null): Promise<OfflineUser[]> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query('SELECT id FROM nodes WHERE id = $1 FOR UPDATE', [nodeId]);
    if (rows.length === 0) return [];
    return dropNodes(tx, [nodeId], false, nodeTimeoutMs);
  });
}

/**
 * Deletes the (locked) nodes `ids` and, by the cascade, their presence rows; returns the users who
 * are then online on no live node, with last_seen raised to the node's last heartbeat (`atHeartbeat`)
 * or to now.
 */
async function dropNodes(
  tx: Queryable,
  ids: readonly string[],
  atHeartbeat: boolean,
  nodeTimeoutMs: number | null,
): Promise<OfflineUser[]> {
  const { rows: had } = await tx.query<{ user_id: number; seen: Date }>(
    `SELECT p.user_id, max(CASE WHEN $2::boolean THEN n.heartbeat_at ELSE now() END) AS seen
     FROM presence p JOIN nodes n ON n.id = p.node_id WHERE p.node_id = ANY($1::text[]) GROUP BY p.user_id`,
    [ids, atHeartbeat],
  );
  await tx.query('DELETE FROM nodes WHERE id = ANY($1::text[])', [ids]);
  if (had.length === 0) return [];
  const candidates = had.map((r) => r.user_id);
  // Wait for logins and logouts of these users in progress elsewhere, then judge on what they committed.
  await lockUsers(tx, candidates);
  const stillOnline = await onlineOn(tx, candidates, null, nodeTimeoutMs);
  const offline = had.filter((r) => !stillOnline.has(r.user_id));
  if (offline.length === 0) return [];
  // GREATEST keeps a later last_seen (a logout elsewhere after this node's last heartbeat).
  const { rows } = await tx.query<{ id: number; last_seen: Date }>(
    `UPDATE users u SET last_seen = GREATEST(u.last_seen, o.seen)
     FROM unnest($1::bigint[], $2::timestamptz[]) AS o(user_id, seen)
     WHERE u.id = o.user_id RETURNING u.id, u.last_seen`,
    [offline.map((r) => r.user_id), offline.map((r) => r.seen)],
  );
  return rows.map((r) => ({ userId: r.id, lastSeen: r.last_seen })).sort((a, b) => a.userId - b.userId);
}
