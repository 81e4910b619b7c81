import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';
import { SchemaFileNotFoundError, SchemaVersionError } from './errors.js';

/**
 * The schema version this build reads and writes: the highest `INSERT INTO schema_version` in
 * schema.sql. Bump both together (test/store/schema.test.ts checks they agree).
 */
export const SCHEMA_VERSION = 9;

const SCHEMA_FILE = 'schema.sql';

/**
 * Absolute path of schema.sql. It lives at the package root, beside package.json, so we walk up
 * from this module: that works from `src/store/` (vitest, tsx), from `dist/src/store/` (after tsc)
 * and from an installed copy of the package.
 *
 * @throws SchemaFileNotFoundError when no package.json folder holding schema.sql is found above us.
 */
export function schemaPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      const file = join(dir, SCHEMA_FILE);
      if (!existsSync(file)) throw new SchemaFileNotFoundError(file);
      return file;
    }
    if (dirname(dir) === dir) {
      throw new SchemaFileNotFoundError(`${SCHEMA_FILE} in a package folder above ${here}`);
    }
  }
}

/** The text of schema.sql, ready for PGlite's `exec` or a simple-protocol `query` (no parameters). */
export async function readSchemaSql(): Promise<string> {
  const file = schemaPath();
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new SchemaFileNotFoundError(file, { cause: error });
  }
}

/**
 * Highest version recorded in `schema_version`: `null` when the table does not exist, 0 when it is
 * empty. Resolves the table through the connection's search_path, like schema.sql created it.
 */
export async function readSchemaVersion(db: Pick<Database, 'query'>): Promise<number | null> {
  const table = await db.query<{ present: boolean }>("SELECT to_regclass('schema_version') IS NOT NULL AS present");
  if (table.rows[0]?.present !== true) return null;
  const { rows } = await db.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_version');
  return rows[0]?.version ?? 0;
}

/**
 * Throws SchemaVersionError unless `found` equals SCHEMA_VERSION.
 *
 * @param address where the database is, for the message (never with a password)
 * @param upgradeAdvice what to do when the database is older than this build
 */
export function assertSchemaVersion(found: number, address: string, upgradeAdvice: string): void {
  if (found === SCHEMA_VERSION) return;
  const advice = found < SCHEMA_VERSION ? upgradeAdvice : 'It was written by a newer fastchat: upgrade fastchat, or use another database.';
  throw new SchemaVersionError(address, found, SCHEMA_VERSION, advice);
}
