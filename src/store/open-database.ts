import type { Database } from './database.js';
import { openPgDatabase } from './pg-database.js';
import { openPgliteDatabase } from './pglite-database.js';

/** Where the server keeps its data. */
export interface OpenDatabaseOptions {
  /**
   * A `postgres://` URL of a PostgreSQL server database (loaded with `make db`).
   * When absent, the embedded database in `dataDir` is used.
   * @default undefined
   */
  readonly url?: string | undefined;
  /** Folder of the embedded database; created (mode 0700) if missing. Unused when `url` is set. */
  readonly dataDir: string;
}

/**
 * Opens the server's database: a PostgreSQL server when `url` is given, otherwise the embedded
 * PGlite in `dataDir` with schema.sql applied. Either way the schema version has been checked when
 * the promise resolves.
 *
 * @throws StoreError subclasses (see errors.ts) describing what is wrong and what to do
 */
export function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.url === undefined ? openPgliteDatabase(options.dataDir) : openPgDatabase(options.url);
}
