/**
 * Resume tokens (schema.sql version 6): the SHA-256 of each token `login` or `signup` handed out,
 * with its user and lifetime. Expiry is judged by the database's clock, like node heartbeats, so
 * nodes sharing a database agree on it whatever their own clocks say.
 */
import type { NewResumeToken, ResumeTokenRecord, UserId, UserRecord } from '../chat-store.js';
import type { Database, Queryable } from '../database.js';
import { bytes, toUser, USER_COLUMNS, type UserRow } from './rows.js';

/**
 * Expired tokens deleted, at most, each time a token is added: enough that the table never grows by
 * more than the tokens that are live (each addition removes up to this many dead ones), small enough
 * that a login never waits on a large delete.
 */
const EXPIRED_SWEEP = 100;

export function addResumeToken(db: Database, token: NewResumeToken): Promise<void> {
  return db.transaction(async (tx) => {
    // The user's row lock orders concurrent logins of one user, so the cap below is exact.
    await tx.query('SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE', [token.userId]);
    await tx.query(
      `INSERT INTO resume_tokens (token_hash, user_id, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3::double precision / 1000))`,
      [token.tokenHash, token.userId, token.ttlMs],
    );
    await tx.query(
      `DELETE FROM resume_tokens WHERE user_id = $1 AND id NOT IN
         (SELECT id FROM resume_tokens WHERE user_id = $1 ORDER BY id DESC LIMIT $2)`,
      [token.userId, token.keep],
    );
    // SKIP LOCKED: concurrent logins sweep different rows instead of queueing behind each other.
    await tx.query(
      `DELETE FROM resume_tokens WHERE id IN
         (SELECT id FROM resume_tokens WHERE expires_at <= now() ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)`,
      [EXPIRED_SWEEP],
    );
  });
}

export async function useResumeToken(db: Queryable, tokenHash: Uint8Array): Promise<UserRecord | undefined> {
  // One statement: the hot path of a reconnect storm is this lookup, nothing else.
  const { rows } = await db.query<UserRow>(
    `UPDATE resume_tokens AS t SET last_used_at = now()
     FROM users AS u
     WHERE t.token_hash = $1 AND t.expires_at > now() AND u.id = t.user_id
     RETURNING ${USER_COLUMNS}`,
    [tokenHash],
  );
  return rows[0] === undefined ? undefined : toUser(rows[0]);
}

export async function revokeResumeToken(db: Queryable, tokenHash: Uint8Array): Promise<boolean> {
  const { rows } = await db.query('DELETE FROM resume_tokens WHERE token_hash = $1 RETURNING id', [tokenHash]);
  return rows.length > 0;
}

interface ResumeTokenRow extends Record<string, unknown> {
  token_hash: Uint8Array;
  user_id: number;
  created_at: Date;
  last_used_at: Date;
  expires_at: Date;
}

export async function resumeTokensOf(db: Queryable, userId: UserId): Promise<ResumeTokenRecord[]> {
  const { rows } = await db.query<ResumeTokenRow>(
    `SELECT token_hash, user_id, created_at, last_used_at, expires_at FROM resume_tokens
     WHERE user_id = $1 ORDER BY id DESC`,
    [userId],
  );
  return rows.map((row) => ({
    tokenHash: bytes(row.token_hash),
    userId: row.user_id,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
  }));
}
