/** Accounts: signup, login lookup, listing. */
import type { Credentials, ListUsersOptions, NewUser, SetKeys, UserId, UserRecord } from '../chat-store.js';
import type { Queryable } from '../database.js';
import { NameTakenError, NotFoundError } from '../errors.js';
import { plainBytes, sqlState, toUserRecord, UNIQUE_VIOLATION, USER_COLUMNS, type UserRow } from './rows.js';

/** The unique index on lower(name) in schema.sql. */
const NAME_INDEX = 'users_name_lower_key';

export async function createUser(db: Queryable, user: NewUser): Promise<UserRecord> {
  try {
    const { rows } = await db.query<UserRow>(
      `INSERT INTO users AS u (name, kind, verifier, salt, kdf, public_key, key_backup, legacy_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       RETURNING ${USER_COLUMNS}`,
      [user.name, user.kind, user.verifier, user.salt, user.kdf, user.publicKey, user.keyBackup ?? null, user.legacyKey ?? null],
    );
    return toUserRecord(rows[0]!);
  } catch (error) {
    const { code, constraint } = sqlState(error);
    if (code === UNIQUE_VIOLATION && constraint === NAME_INDEX) {
      throw new NameTakenError(user.name, { cause: error });
    }
    throw error;
  }
}

interface CredentialsRow extends UserRow {
  verifier: Uint8Array;
  salt: Uint8Array;
  kdf: string;
  key_backup: Uint8Array | null;
}

export async function credentialsByName(db: Queryable, name: string): Promise<Credentials | undefined> {
  const { rows } = await db.query<CredentialsRow>(
    `SELECT ${USER_COLUMNS}, u.verifier, u.salt, u.kdf, u.key_backup FROM users AS u
     WHERE lower(u.name) = lower($1)`,
    [name],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    user: toUserRecord(row),
    verifier: plainBytes(row.verifier),
    salt: plainBytes(row.salt),
    kdf: row.kdf,
    keyBackup: row.key_backup === null ? null : plainBytes(row.key_backup),
  };
}

export async function usersById(db: Queryable, ids: readonly UserId[]): Promise<UserRecord[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users AS u WHERE u.id = ANY($1::bigint[]) ORDER BY u.id`, [ids]);
  return rows.map(toUserRecord);
}

export async function listUsers(db: Queryable, options: ListUsersOptions): Promise<UserRecord[]> {
  // starts_with, not LIKE: a prefix holding % or _ means those characters, not wildcards.
  const { rows } = await db.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users AS u
     WHERE u.id > $1 AND ($2::text IS NULL OR starts_with(lower(u.name), lower($2::text)))
     ORDER BY u.id
     LIMIT $3`,
    [options.afterId ?? 0, options.prefix ?? null, options.limit],
  );
  return rows.map(toUserRecord);
}

export async function setLastSeen(db: Queryable, userId: UserId, at: Date): Promise<void> {
  await db.query('UPDATE users SET last_seen = $2 WHERE id = $1', [userId, at]);
}

export async function setKeys(db: Queryable, userId: UserId, keys: SetKeys): Promise<UserRecord> {
  // legacy_key and key_proof are kept when the call names none ($4 NULL and $5 false; $6, $7).
  const { rows } = await db.query<UserRow>(
    `UPDATE users AS u SET public_key = $2, key_backup = $3,
       legacy_key = CASE WHEN $5::boolean THEN $4::bytea ELSE u.legacy_key END,
       key_proof = CASE WHEN $7::boolean THEN $6::bytea ELSE u.key_proof END
     WHERE u.id = $1 RETURNING ${USER_COLUMNS}`,
    [
      userId,
      keys.publicKey,
      keys.keyBackup,
      keys.legacyKey ?? null,
      keys.legacyKey !== undefined,
      keys.keyProof ?? null,
      keys.keyProof !== undefined,
    ],
  );
  if (rows[0] === undefined) throw new NotFoundError(`no user with id ${userId}`);
  return toUserRecord(rows[0]);
}
