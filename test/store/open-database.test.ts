import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, InvalidDatabaseUrlError, SchemaMissingError, SchemaVersionError } from '../../src/store/errors.js';
import { openDatabase } from '../../src/store/open-database.js';
import { EMBEDDED_SHARED_BUFFERS } from '../../src/store/pglite-database.js';
import { SCHEMA_VERSION } from '../../src/store/schema.js';
import { describeEachDatabase, describePostgres } from '../support/databases.js';

describeEachDatabase('openDatabase', (open) => {
  it('gives a database at SCHEMA_VERSION', async () => {
    const { db, backend } = await open();
    expect(db.kind).toBe(backend === 'pglite' ? 'embedded' : 'postgres');
    const { rows } = await db.query<{ version: number }>('SELECT max(version) AS version FROM schema_version');
    expect(rows).toEqual([{ version: SCHEMA_VERSION }]);
  });

  it('binds parameters instead of splicing them into the SQL', async () => {
    const { db } = await open();
    const hostile = "x'); DROP TABLE schema_version; --";
    const { rows } = await db.query<{ text: string; sum: number }>('SELECT $1::text AS text, $2::int + $3::int AS sum', [hostile, 2, 3]);
    expect(rows).toEqual([{ text: hostile, sum: 5 }]);
    await expect(db.query('SELECT count(*) FROM schema_version')).resolves.toBeDefined();
  });

  it('can be closed twice', async () => {
    const { db } = await open();
    await db.close();
    await expect(db.close()).resolves.toBeUndefined();
  });
});

describe('openDatabase, embedded (PGlite)', () => {
  let folder = '';
  afterEach(async () => {
    if (folder !== '') await rm(folder, { recursive: true, force: true });
  });

  it('creates the data folder, mode 0700, and names it in its description', async () => {
    folder = await mkdtemp(join(tmpdir(), 'fastchat-pglite-'));
    const dataDir = join(folder, 'nested', 'data');
    const db = await openDatabase({ dataDir });
    try {
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      expect(db.description).toBe(`embedded PostgreSQL (PGlite) in ${dataDir}`);
    } finally {
      await db.close();
    }
  });

  it("runs with a page cache of EMBEDDED_SHARED_BUFFERS, not PostgreSQL's 128 MB, at every start", async () => {
    // PGlite's WebAssembly memory never shrinks: the pool's size is a floor under the server's RSS.
    folder = await mkdtemp(join(tmpdir(), 'fastchat-pglite-'));
    const dataDir = join(folder, 'data');
    for (let start = 0; start < 2; start++) {
      const db = await openDatabase({ dataDir });
      try {
        expect((await db.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows[0]?.shared_buffers).toBe(EMBEDDED_SHARED_BUFFERS);
      } finally {
        await db.close();
      }
    }
  });

  it('reopens the same folder: the schema is applied again harmlessly and data is kept', async () => {
    folder = await mkdtemp(join(tmpdir(), 'fastchat-pglite-'));
    const dataDir = join(folder, 'data');
    const first = await openDatabase({ dataDir });
    await first.query('CREATE TABLE kept (note text)');
    await first.query('INSERT INTO kept VALUES ($1)', ['still here']);
    const before = await first.query('SELECT version, applied_at FROM schema_version');
    await first.close();

    const second = await openDatabase({ dataDir });
    try {
      expect((await second.query('SELECT note FROM kept')).rows).toEqual([{ note: 'still here' }]);
      // Same single row, same timestamp: the re-run inserted nothing.
      expect((await second.query('SELECT version, applied_at FROM schema_version')).rows).toEqual(before.rows);
    } finally {
      await second.close();
    }
  });

  it('refuses a folder written by a newer schema version', async () => {
    folder = await mkdtemp(join(tmpdir(), 'fastchat-pglite-'));
    const dataDir = join(folder, 'data');
    const db = await openDatabase({ dataDir });
    await db.query('INSERT INTO schema_version (version) VALUES ($1)', [SCHEMA_VERSION + 1]);
    await db.close();

    const error = await openDatabase({ dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaVersionError);
    expect(error).toMatchObject({ found: SCHEMA_VERSION + 1, expected: SCHEMA_VERSION });
    expect(String(error)).toMatch(/newer/);
  });
});

describePostgres('openDatabase, server checks', (server) => {
  it('refuses a database without the schema and says to run make db, without the password', async () => {
    const empty = await server.emptyDatabase();
    // Our own cluster trusts 127.0.0.1 and ignores a password; keep a real one if DATABASE_URL has it.
    const password = new URL(empty).password || 's3cret-pw';
    const url = withPassword(empty, password);
    const error = await openDatabase({ url, dataDir: 'unused' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaMissingError);
    expect(error).toMatchObject({ code: 'schema_missing' });
    const message = (error as Error).message;
    expect(message).toContain(`Load it with: DATABASE_URL='${withPassword(url, '****')}' make db`);
    expect(message).not.toContain(`:${password}@`);
  });

  it.each([
    { found: SCHEMA_VERSION - 1, says: /older than.*make db/s },
    { found: SCHEMA_VERSION + 1, says: /newer than.*upgrade fastchat/s },
  ])('refuses schema version $found', async ({ found, says }) => {
    const url = await server.databaseWithSchema();
    await sql(url, 'DELETE FROM schema_version');
    await sql(url, 'INSERT INTO schema_version (version) VALUES ($1)', [found]);
    const error = await openDatabase({ url, dataDir: 'unused' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaVersionError);
    expect(error).toMatchObject({ code: 'schema_version_mismatch', found, expected: SCHEMA_VERSION });
    expect((error as Error).message).toMatch(says);
  });

  it('reports a database that does not exist as unavailable, suggesting CREATEDB=1', async () => {
    const url = server.unusedDatabaseUrl();
    const error = await openDatabase({ url, dataDir: 'unused' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as Error).message).toContain('make db CREATEDB=1');
  });
});

describe('openDatabase, server URL problems', () => {
  it('reports a closed port as unavailable, naming the address but not the password', async () => {
    const port = await closedPort();
    const url = `postgres://alice:s3cret-pw@127.0.0.1:${port}/fastchat`;
    const error = await openDatabase({ url, dataDir: 'unused' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ code: 'database_unavailable' });
    const message = (error as Error).message;
    expect(message).toContain(`PostgreSQL at 127.0.0.1:${port}/fastchat`);
    expect(message).toContain('ECONNREFUSED');
    expect(message).not.toContain('s3cret-pw');
    expect((error as Error).cause).toBeDefined();
  });

  it('rejects a URL that is not postgres:// without echoing it', async () => {
    const error = await openDatabase({ url: 'mysql://bob:s3cret-pw@db/x', dataDir: 'unused' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidDatabaseUrlError);
    expect((error as Error).message).not.toContain('s3cret-pw');
  });
});

function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.href;
}

async function sql(url: string, text: string, params: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text, params);
  } finally {
    await client.end();
  }
}

/** A port that was free a moment ago and has nothing listening on it now. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
