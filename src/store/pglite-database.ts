import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './database.js';
import { DataDirLock } from './data-dir-lock.js';
import { DatabaseUnavailableError } from './errors.js';
import { assertSchemaVersion, readSchemaSql, readSchemaVersion } from './schema.js';

/**
 * Opens the embedded database (PGlite: real PostgreSQL compiled to WebAssembly, in-process) in
 * `dataDir`, creating the folder if needed, and applies schema.sql to it.
 *
 * Applying the schema on every start is safe because schema.sql is idempotent, and it is what keeps
 * an embedded database current with zero setup.
 *
 * The folder is locked for this process first (data-dir-lock.ts) and released when the database closes.
 *
 * @throws DatabaseUnavailableError when the folder cannot be created or PGlite cannot open it
 * @throws DataDirInUseError when another running process holds the folder
 * @throws SchemaVersionError when the data was written by a newer fastchat
 */
export async function openPgliteDatabase(dataDir: string): Promise<Database> {
  const dir = resolve(dataDir);
  const description = `embedded PostgreSQL (PGlite) in ${dir}`;
  // 0700: it holds every user's ciphertext and login verifier; no other account needs to read it.
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new DatabaseUnavailableError(description, describe(error), { cause: error });
  }

  // Read before opening, so a broken install fails without leaving an instance to close.
  const schemaSql = await readSchemaSql();
  // Before PGlite touches the folder: a second instance on it would corrupt it.
  const lock = DataDirLock.acquire(dir, description);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dir, { ...BYTEA_CODEC, postgresqlconf: [`shared_buffers=${EMBEDDED_SHARED_BUFFERS}`] });
  } catch (error) {
    lock.release();
    throw new DatabaseUnavailableError(description, describe(error), { cause: error });
  }

  const db = new PgliteDatabase(pglite, description, lock);
  try {
    // exec sends the whole file as one simple query, which PostgreSQL runs as one transaction:
    // a failing statement leaves the database as it was.
    await pglite.exec(schemaSql);
    const found = (await readSchemaVersion(db)) ?? 0;
    // Lower can only mean schema.sql and SCHEMA_VERSION disagree: the file was just applied.
    assertSchemaVersion(found, description, "This installation's schema.sql is out of step.");
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/**
 * PostgreSQL's own page cache inside the embedded database. PGlite keeps PostgreSQL's default of
 * 128 MB, and the WebAssembly memory it touches never shrinks: the server sat at ~360 MB idle and
 * ~450 MB under the legacy bench, ~300 MB with 16 MB. The files are still cached by the operating
 * system, so the smaller pool costs little: legacy 5,350 msg/s against 4,929, DM storm 6,438 against
 * 6,744 (one run each, docs/benchmarks.md § legacy).
 */
export const EMBEDDED_SHARED_BUFFERS = '16MB';

const BYTEA_OID = 17;

/**
 * bytea to and from PostgreSQL's hex text form with Buffer's native codec. PGlite's own goes byte
 * by byte in JavaScript: with it, a batch of 200 message bodies of 1 KB took 16 ms to serialize,
 * with this 5 ms (measured here). Array parameters (bytea[]) use these too.
 */
const BYTEA_CODEC = {
  serializers: {
    [BYTEA_OID]: (value: unknown): string => {
      if (!(value instanceof Uint8Array)) throw new TypeError('a bytea parameter must be a Uint8Array');
      return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
    },
  },
  parsers: {
    [BYTEA_OID]: (text: string): Uint8Array => {
      const bytes = Buffer.from(text.slice(2), 'hex'); // after the \x prefix
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
  },
};

class PgliteDatabase implements Database {
  readonly kind = 'embedded' as const;
  #closing: Promise<void> | undefined;

  constructor(
    private readonly pglite: PGlite,
    readonly description: string,
    private readonly lock: DataDirLock,
  ) {}

  async query<R extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<{ rows: R[] }> {
    const result = await this.pglite.query<R>(sql, [...params]);
    return { rows: result.rows };
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    // PGlite's own transaction(): BEGIN, COMMIT, or ROLLBACK when `work` rejects, under the mutex
    // that keeps every other statement out until it ends.
    return this.pglite.transaction((tx) =>
      work({
        async query<R extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []) {
          const result = await tx.query<R>(sql, [...params]);
          return { rows: result.rows };
        },
      }),
    );
  }

  close(): Promise<void> {
    // The folder is free again only once PGlite has written and closed everything.
    this.#closing ??= this.pglite.close().finally(() => this.lock.release());
    return this.#closing;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
