/** Blocks: who takes no direct messages and no group adds from whom (schema.sql § Version 9). */
import type { UserId } from '../chat-store.js';
import type { Database, Queryable } from '../database.js';
import { ConflictError, NotFoundError } from '../errors.js';

export async function block(db: Database, blocker: UserId, blocked: UserId, max: number): Promise<boolean> {
  if (blocker === blocked) throw new ConflictError('you cannot block yourself');
  return db.transaction(async (tx) => {
    const { rows: found } = await tx.query('SELECT id FROM users WHERE id = ANY($1::bigint[])', [[blocker, blocked]]);
    if (found.length !== 2) throw new NotFoundError('no such user');
    // Only the blocker's row is locked (two users blocking each other take no lock in common): two
    // blocks by one user at once cannot both pass the cap.
    await tx.query('SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE', [blocker]);
    const { rows: count } = await tx.query<{ n: number | string }>(
      'SELECT count(*) AS n FROM blocks WHERE blocker = $1 AND blocked <> $2',
      [blocker, blocked],
    );
    if (Number(count[0]!.n) >= max) throw new ConflictError(`you have blocked ${max} users, the most there may be: unblock one first`);
    const { rows } = await tx.query<{ blocker: number }>(
      `INSERT INTO blocks (blocker, blocked) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING blocker`,
      [blocker, blocked],
    );
    return rows.length === 1;
  });
}

export async function unblock(db: Queryable, blocker: UserId, blocked: UserId): Promise<boolean> {
  const { rows } = await db.query<{ blocker: number }>('DELETE FROM blocks WHERE blocker = $1 AND blocked = $2 RETURNING blocker', [
    blocker,
    blocked,
  ]);
  return rows.length === 1;
}

export async function blockedBy(db: Queryable, blocker: UserId): Promise<UserId[]> {
  const { rows } = await db.query<{ blocked: string | number }>(
    'SELECT blocked FROM blocks WHERE blocker = $1 ORDER BY created_at, blocked',
    [blocker],
  );
  return rows.map((row) => Number(row.blocked));
}

export async function isBlocked(db: Queryable, blocker: UserId, blocked: UserId): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM blocks WHERE blocker = $1 AND blocked = $2', [blocker, blocked]);
  return rows.length === 1;
}

/** Those of `candidates` who blocked `actor` (a group creator or an admin adding them). */
export async function blockersAmong(db: Queryable, actor: UserId, candidates: readonly UserId[]): Promise<UserId[]> {
  const { rows } = await db.query<{ blocker: string | number }>(
    'SELECT blocker FROM blocks WHERE blocked = $1 AND blocker = ANY($2::bigint[]) ORDER BY blocker',
    [actor, candidates],
  );
  return rows.map((row) => Number(row.blocker));
}
