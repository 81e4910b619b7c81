import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, inject, it } from 'vitest';
import type { Database } from '../../src/store/database.js';
import { openDatabase } from '../../src/store/open-database.js';
import { readSchemaSql } from '../../src/store/schema.js';
import { seedPgliteDir } from './pglite-template.js';

/** A database opened for one test; closed and removed after it. */
export interface TestDatabase {
  readonly backend: 'pglite' | 'postgres';
  /** Opened through openDatabase, so the schema is applied (PGlite) or checked (PostgreSQL). */
  readonly db: Database;
  /** PGlite only: its data folder, to reopen it. */
  readonly dataDir?: string;
  /** PostgreSQL only: the URL of this test's own database. */
  readonly url?: string;
}

/** A PostgreSQL server to make scratch databases on; each one is dropped after its test. */
export interface PostgresServer {
  /** URL of the server's maintenance database, as a user that may create databases. */
  readonly serverUrl: string;
  /** A new database with nothing in it (no schema), for testing `make db` and schema checks. */
  emptyDatabase(): Promise<string>;
  /**
   * A new database with schema.sql applied; `ctype` sets its LC_CTYPE and LC_COLLATE (the test
   * cluster's are C, which folds only ASCII letter case: a deployment's are often C.utf8 or en_US.utf8).
   */
  databaseWithSchema(options?: { readonly ctype?: string }): Promise<string>;
  /** The URL of a database that does not exist yet (dropped after the test if it got created). */
  unusedDatabaseUrl(): string;
}

/** URL of the server from test/support/global-postgres.ts; null when there is none. */
export const postgresServerUrl: string | null = inject('postgresUrl');

const SKIP_REASON = 'skipped: no PostgreSQL (set DATABASE_URL or install pg_ctl)';

/**
 * How long a database from `open` lives. `test` (the default): closed and removed after the test
 * that opened it. `suite`: kept until the describe block's last test, for a block that opens it in
 * `beforeAll` and shares it between tests that do not interfere (opening PGlite takes a while even from the template).
 */
export interface OpenOptions {
  readonly keep?: 'test' | 'suite';
}

export type OpenTestDatabase = (options?: OpenOptions) => Promise<TestDatabase>;

/**
 * Runs `suite` twice, once per backend: embedded PGlite and a PostgreSQL server. Each call of
 * `open` gives a fresh database (a new PGlite folder, or a new database on the server) that is
 * closed and removed after the test, or after the block with `{ keep: 'suite' }`.
 */
export function describeEachDatabase(name: string, suite: (open: OpenTestDatabase) => void): void {
  describe(`${name} [pglite]`, () => {
    const cleanups = useCleanups();
    suite(async (options) => {
      const cleanup = cleanups[options?.keep ?? 'test'];
      const folder = await mkdtemp(join(tmpdir(), 'fastchat-pglite-'));
      cleanup.push(() => rm(folder, { recursive: true, force: true }));
      const dataDir = join(folder, 'data');
      await seedPgliteDir(dataDir);
      const db = await openDatabase({ dataDir });
      cleanup.push(() => db.close());
      return { backend: 'pglite', db, dataDir };
    });
  });
  withPostgres(name, (serverUrl, cleanups) => {
    suite(async (options) => {
      const keep = options?.keep ?? 'test';
      const server = serverUrl === null ? unavailableServer() : postgresServer(serverUrl, cleanups[keep]);
      const url = await server.databaseWithSchema();
      const db = await openDatabase({ url, dataDir: 'unused: a url is given' });
      cleanups[keep].push(() => db.close());
      return { backend: 'postgres', db, url };
    });
  });
}

/**
 * A suite that needs a PostgreSQL server; `describe.skip`, saying why in its title, when there is
 * none. Databases made through `server` are dropped after the block (after the file's own afterEach
 * hooks have stopped what used them); `cleanup` takes undo steps run after each test.
 */
export function describePostgres(name: string, suite: (server: PostgresServer, cleanup: Cleanup) => void): void {
  withPostgres(name, (serverUrl, cleanups) => {
    // Databases are dropped after the whole block, not after each test: a file's own afterEach (which
    // stops the servers using them) runs after this block's, and dropping WITH (FORCE) under a
    // running server would cut its connections mid-test.
    const server = serverUrl === null ? unavailableServer() : postgresServer(serverUrl, cleanups.suite);
    suite(server, cleanups.test);
  });
}

/** The describe block of describePostgres, with both scopes of cleanup; serverUrl null when skipped. */
function withPostgres(name: string, suite: (serverUrl: string | null, cleanups: Cleanups) => void): void {
  const serverUrl = postgresServerUrl;
  if (serverUrl === null) {
    describe.skip(`${name} [postgres ${SKIP_REASON}]`, () => {
      suite(null, useCleanups());
    });
    return;
  }
  describe(`${name} [postgres]`, () => {
    suite(serverUrl, useCleanups());
  });
}

/** Scratch databases on the server at `serverUrl`, each dropped by a step pushed on `cleanup`. */
function postgresServer(serverUrl: string, cleanup: Cleanup): PostgresServer {
  const reserve = (): { name: string; url: string } => {
    const name = newDatabaseName();
    cleanup.push(() => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    return { name, url: databaseUrl(serverUrl, name) };
  };
  const create = async (ctype?: string): Promise<string> => {
    const { name, url } = reserve();
    const locale = ctype === undefined ? '' : ` TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE '${ctype}' LC_COLLATE '${ctype}'`;
    await admin(serverUrl, `CREATE DATABASE ${name}${locale}`);
    return url;
  };
  return {
    serverUrl,
    emptyDatabase: () => create(),
    databaseWithSchema: async (options) => {
      const url = await create(options?.ctype);
      // A simple query (no parameters) may hold several statements, as schema.sql does.
      await admin(url, await readSchemaSql());
      return url;
    },
    unusedDatabaseUrl: () => reserve().url,
  };
}

/** Undo steps, run last-in first-out. */
export interface Cleanup {
  push(step: () => Promise<unknown>): void;
}

/** `test` steps run after each test (and after the block); `suite` steps after the block. */
interface Cleanups {
  readonly test: Cleanup;
  readonly suite: Cleanup;
}

function useCleanups(): Cleanups {
  const test: Array<() => Promise<unknown>> = [];
  const suite: Array<() => Promise<unknown>> = [];
  afterEach(() => runAll(test));
  afterAll(async () => {
    await runAll(test);
    await runAll(suite);
  });
  return { test: { push: (step) => test.push(step) }, suite: { push: (step) => suite.push(step) } };
}

async function runAll(steps: Array<() => Promise<unknown>>): Promise<void> {
  const errors: unknown[] = [];
  for (let step = steps.pop(); step !== undefined; step = steps.pop()) {
    await step().catch((error: unknown) => errors.push(error));
  }
  if (errors.length > 0) throw new AggregateError(errors, 'test database cleanup failed');
}

/**
 * A database name nobody else uses. Identifiers cannot be bound as parameters, so the name is
 * generated here from [a-z0-9_] only and checked before it is put into SQL text.
 */
function newDatabaseName(): string {
  const name = `fastchat_test_${randomBytes(8).toString('hex')}`;
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  return name;
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.href;
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function unavailableServer(): PostgresServer {
  const fail = (): never => {
    throw new Error(`no PostgreSQL server: ${SKIP_REASON}`);
  };
  return { serverUrl: '', emptyDatabase: fail, databaseWithSchema: fail, unusedDatabaseUrl: fail };
}

/** Where a server keeps its data in a test: an embedded folder, or a PostgreSQL database URL. */
export interface DataStore {
  /** Set for PostgreSQL. */
  readonly url: string | undefined;
  /** The embedded database's folder (a fresh temp folder; unused with `url`). */
  readonly dataDir: string;
  /** The fastchat-server flags that select this store. */
  readonly args: string[];
}

/**
 * One test, run twice: on a fresh embedded database folder and on a fresh PostgreSQL database.
 * The folder is removed and the database dropped afterwards.
 */
export function itOnEachDataStore(name: string, title: string, run: (store: DataStore) => Promise<void>, timeoutMs?: number): void {
  describe(`${name} [pglite]`, () => {
    let dataDir: string | undefined;
    afterEach(async () => {
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });
    it(
      title,
      async () => {
        dataDir = await mkdtemp(join(tmpdir(), 'fastchat-store-'));
        await seedPgliteDir(dataDir);
        await run({ url: undefined, dataDir, args: ['--data-dir', dataDir] });
      },
      timeoutMs,
    );
  });
  describePostgres(name, (postgres) => {
    it(
      title,
      async () => {
        const url = await postgres.databaseWithSchema();
        await run({ url, dataDir: 'unused: a url is given', args: ['--db', url] });
      },
      timeoutMs,
    );
  });
}
