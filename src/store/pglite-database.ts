import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Database } from './database.js';
import { DatabaseUnavailableError } from './errors.js';
import { assertSchemaVersion, readSchemaSql, readSchemaVersion } from './schema.js';

/**
 * Opens the embedded database (PGlite: real PostgreSQL compiled to WebAssembly, in-process) in
 * `dataDir`, creating the folder if needed, and applies schema.sql to it.
 *
 * Applying the schema on every start is safe because schema.sql is idempotent, and it is what keeps
 * an embedded database current with zero setup.
 *
 * @throws DatabaseUnavailableError when the folder cannot be created or PGlite cannot open it
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
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dir);
  } catch (error) {
    throw new DatabaseUnavailableError(description, describe(error), { cause: error });
  }

  const db = new PgliteDatabase(pglite, description);
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

class PgliteDatabase implements Database {
  readonly kind = 'embedded' as const;
  #closing: Promise<void> | undefined;

  constructor(
    private readonly pglite: PGlite,
    readonly description: string,
  ) {}

  async query<R extends Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<{ rows: R[] }> {
    const result = await this.pglite.query<R>(sql, [...params]);
    return { rows: result.rows };
  }

  close(): Promise<void> {
    this.#closing ??= this.pglite.close();
    return this.#closing;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
