import { inert } from '../util/inert-text.js';

/**
 * Stable, machine-readable codes for storage failures. Callers (the CLI, the server's start-up)
 * switch on these; the human `message` beside them may change freely.
 */
export type StoreErrorCode =
  | 'database_unavailable'
  | 'invalid_database_url'
  | 'schema_missing'
  | 'schema_version_mismatch'
  | 'schema_file_not_found'
  | 'name_taken'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'node_not_registered'
  | 'data_dir_in_use';

/** Base of every error the storage layer raises itself (driver errors pass through as `cause`). */
export class StoreError extends Error {
  override readonly name: string = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The database could not be reached or refused us: connection refused, timeout, authentication
 * failure, missing database, unreadable data directory. `address` never contains a password.
 */
export class DatabaseUnavailableError extends StoreError {
  override readonly name = 'DatabaseUnavailableError';
  constructor(
    readonly address: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('database_unavailable', `cannot open ${address}: ${detail}`, options);
  }
}

/**
 * The embedded database's folder is held by another running process (data-dir-lock.ts): two
 * PGlite instances on one folder would corrupt it. One line, naming that process.
 */
export class DataDirInUseError extends StoreError {
  override readonly name = 'DataDirInUseError';
  constructor(
    readonly dir: string,
    readonly holder: { readonly pid: number; readonly since: string; readonly command: string } | undefined,
  ) {
    const command = holder ? inert(holder.command.length > 160 ? `${holder.command.slice(0, 159)}…` : holder.command) : '';
    const who = holder ? `process ${holder.pid} (since ${holder.since}: ${command})` : 'another process';
    super('data_dir_in_use', `the data folder ${dir} is in use by ${who}; stop it first, or use another data folder`);
  }
}

/**
 * A database URL that is not a `postgres://` or `postgresql://` URL.
 * The message never repeats the URL: it may hold a password.
 */
export class InvalidDatabaseUrlError extends StoreError {
  override readonly name = 'InvalidDatabaseUrlError';
  constructor(detail: string, options?: { cause?: unknown }) {
    super('invalid_database_url', `invalid database URL: ${detail}`, options);
  }
}

/** A PostgreSQL server database without the fastchat schema; `make db` loads it. */
export class SchemaMissingError extends StoreError {
  override readonly name = 'SchemaMissingError';
  constructor(
    readonly address: string,
    readonly makeDbCommand: string,
    options?: { cause?: unknown },
  ) {
    super('schema_missing', `${address} has no fastchat schema (no table schema_version). Load it with: ${makeDbCommand}`, options);
  }
}

/** The database's schema version is not the one this build of fastchat was written for. */
export class SchemaVersionError extends StoreError {
  override readonly name = 'SchemaVersionError';
  constructor(
    readonly address: string,
    /** Highest version recorded in schema_version; 0 when the table is empty. */
    readonly found: number,
    readonly expected: number,
    advice: string,
  ) {
    const relation = found < expected ? 'older than' : 'newer than';
    super(
      'schema_version_mismatch',
      `${address} has schema version ${found}, ${relation} version ${expected} that this fastchat ` + `needs. ${advice}`,
    );
  }
}

/** schema.sql could not be found beside package.json (a broken install or checkout). */
export class SchemaFileNotFoundError extends StoreError {
  override readonly name = 'SchemaFileNotFoundError';
  constructor(
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super('schema_file_not_found', `schema file not found at ${path}`, options);
  }
}

/** A user name that exists already, in this or any other letter case. */
export class NameTakenError extends StoreError {
  override readonly name = 'NameTakenError';
  constructor(
    readonly userName: string,
    options?: { cause?: unknown },
  ) {
    super('name_taken', `the name ${JSON.stringify(userName)} is taken`, options);
  }
}

/** The acting user may not make this change (not an admin, not a member). */
export class ForbiddenError extends StoreError {
  override readonly name = 'ForbiddenError';
  constructor(message: string) {
    super('forbidden', message);
  }
}

/** A user, conversation or membership that the request names does not exist. */
export class NotFoundError extends StoreError {
  override readonly name = 'NotFoundError';
  constructor(message: string) {
    super('not_found', message);
  }
}

/** The change contradicts the current state (already a member, not a member, a direct conversation). */
export class ConflictError extends StoreError {
  override readonly name = 'ConflictError';
  constructor(message: string) {
    super('conflict', message);
  }
}

/**
 * The node is not (or no longer) in the `nodes` table: another node judged it dead and reaped it,
 * or it has left. Its presence cannot be recorded until it registers again.
 */
export class NodeNotRegisteredError extends StoreError {
  override readonly name = 'NodeNotRegisteredError';
  constructor(readonly nodeId: string) {
    super('node_not_registered', `node ${nodeId} is not registered`);
  }
}
