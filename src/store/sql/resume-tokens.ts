/**
 * Resume tokens (schema.sql version 6): the SHA-256 of each token `login` or `signup` handed out,
 * with its user and lifetime. Expiry is judged by the database's clock, like node heartbeats, so
 * nodes sharing a database agree on it whatever their own clocks say.
 */
import type { NewResumeToken, PasswordChange, ResumedToken, ResumeTokenRecord, UserId } from '../chat-store.js';
import { NotFoundError } from '../errors.js';
import type { Database, Queryable } from '../database.js';
import { plainBytes, toUserRecord, USER_COLUMNS, type UserRow } from './rows.js';

/**
 * Expired tokens deleted, at most, each time a token is added: enough that the table never grows by
 * more than the tokens that are live (each addition removes up to this many dead ones), small enough
 * that a login never waits on a large delete.
 */
const EXPIRED_SWEEP = 100;

export function addResumeToken(db: Database, token: NewResumeToken): Promise<number | undefined> {
  return db.transaction(async (tx) => {
    // The user's row lock orders concurrent logins of one user, so the cap below is exact, and orders
    // a login against a password change (changePassword takes the same lock).
    const { rows: users } = await tx.query<{ verifier: Uint8Array }>('SELECT verifier FROM users WHERE id = $1 FOR NO KEY UPDATE', [
      token.userId,
    ]);
    if (users[0] === undefined) throw new NotFoundError(`no user with id ${token.userId}`);
    if (token.expectedVerifier && !sameBytes(users[0].verifier, token.expectedVerifier)) return undefined;
    const id = await insertToken(tx, token.userId, token.tokenHash, token.ttlMs);
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
    return id;
  });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(plainBytes(a)).equals(Buffer.from(b));
}

async function insertToken(tx: Queryable, userId: UserId, tokenHash: Uint8Array, ttlMs: number): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO resume_tokens (token_hash, user_id, expires_at)
     VALUES ($1, $2, now() + make_interval(secs => $3::double precision / 1000)) RETURNING id`,
    [tokenHash, userId, ttlMs],
  );
  return Number(rows[0]!.id);
}

export async function useResumeToken(db: Queryable, tokenHash: Uint8Array): Promise<ResumedToken | undefined> {
  // One statement: the hot path of a reconnect storm is this lookup, nothing else.
  const { rows } = await db.query<UserRow & { token_id: number }>(
    `UPDATE resume_tokens AS t SET last_used_at = now()
     FROM users AS u
     WHERE t.token_hash = $1 AND t.expires_at > now() AND u.id = t.user_id
     RETURNING ${USER_COLUMNS}, t.id AS token_id`,
    [tokenHash],
  );
  const row = rows[0];
  return row === undefined ? undefined : { user: toUserRecord(row), tokenId: Number(row.token_id) };
}

export async function revokeResumeTokenOf(db: Queryable, userId: UserId, tokenId: number): Promise<boolean> {
  const { rows } = await db.query('DELETE FROM resume_tokens WHERE id = $1 AND user_id = $2 RETURNING id', [tokenId, userId]);
  return rows.length > 0;
}

export function changePassword(db: Database, change: PasswordChange): Promise<ResumedToken | undefined> {
  return db.transaction(async (tx) => {
    const { rows: found } = await tx.query<{ verifier: Uint8Array }>('SELECT verifier FROM users WHERE id = $1 FOR NO KEY UPDATE', [
      change.userId,
    ]);
    if (found[0] === undefined) throw new NotFoundError(`no user with id ${change.userId}`);
    // Changed meanwhile (another change with the same old password got here first): this one loses.
    if (!sameBytes(found[0].verifier, change.expectedVerifier)) return undefined;
    const { rows } = await tx.query<UserRow>(
      `UPDATE users AS u SET verifier = $2, salt = $3, kdf = $4, key_backup = $5 WHERE u.id = $1 RETURNING ${USER_COLUMNS}`,
      [change.userId, change.verifier, change.salt, change.kdf, change.keyBackup],
    );
    await tx.query('DELETE FROM resume_tokens WHERE user_id = $1', [change.userId]);
    const tokenId = await insertToken(tx, change.userId, change.token.tokenHash, change.token.ttlMs);
    return { user: toUserRecord(rows[0]!), tokenId };
  });
}

export async function revokeResumeToken(db: Queryable, tokenHash: Uint8Array): Promise<boolean> {
  const { rows } = await db.query('DELETE FROM resume_tokens WHERE token_hash = $1 RETURNING id', [tokenHash]);
  return rows.length > 0;
}

interface ResumeTokenRow extends Record<string, unknown> {
  id: number;
  token_hash: Uint8Array;
  user_id: number;
  created_at: Date;
  last_used_at: Date;
  expires_at: Date;
}

export async function resumeTokensOf(db: Queryable, userId: UserId): Promise<ResumeTokenRecord[]> {
  const { rows } = await db.query<ResumeTokenRow>(
    `SELECT id, token_hash, user_id, created_at, last_used_at, expires_at FROM resume_tokens
     WHERE user_id = $1 ORDER BY id DESC`,
    [userId],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    tokenHash: plainBytes(row.token_hash),
    userId: row.user_id,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
  }));
}
