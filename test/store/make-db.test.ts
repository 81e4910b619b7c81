import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import pg from 'pg';
import { expect, it } from 'vitest';
import { openDatabase } from '../../src/store/open-database.js';
import { SCHEMA_VERSION } from '../../src/store/schema.js';
import { describePostgres } from '../support/databases.js';

const repoRoot = resolve(import.meta.dirname, '../..');
/** schema.sql records each version it brings a database through, once: 1, 2, …, SCHEMA_VERSION. */
const EVERY_VERSION = Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1);

describePostgres('make db', (server) => {
  it('loads schema.sql into an empty database named by DATABASE_URL, and can run again', async () => {
    const url = await server.emptyDatabase();
    for (const run of [1, 2]) {
      const result = await makeDb([], { DATABASE_URL: url });
      expect(result.code, `run ${run}: ${result.stderr}`).toBe(0);
      expect(result.stderr, `run ${run} is quiet`).toBe('');
    }
    expect(await versions(url)).toEqual(EVERY_VERSION);
    // The point of it all: the server now accepts the database.
    const db = await openDatabase({ url, dataDir: 'unused' });
    await db.close();
  });

  it('with CREATEDB=1, creates the database first, and can run again', async () => {
    const url = server.unusedDatabaseUrl();
    expect(await exists(server.serverUrl, url)).toBe(false);
    for (const run of [1, 2]) {
      const result = await makeDb(['CREATEDB=1'], { DATABASE_URL: url });
      expect(result.code, `run ${run}: ${result.stderr}`).toBe(0);
    }
    expect(await exists(server.serverUrl, url)).toBe(true);
    expect(await versions(url)).toEqual(EVERY_VERSION);
  });

  it('uses PGHOST, PGPORT, PGUSER and PGDATABASE when DATABASE_URL is unset', async () => {
    const url = server.unusedDatabaseUrl();
    const result = await makeDb(['CREATEDB=1'], libpqVariables(url));
    expect(result.code, result.stderr).toBe(0);
    expect(await versions(url)).toEqual(EVERY_VERSION);
  });

  it('fails, creating nothing, when the database does not exist and CREATEDB is not set', async () => {
    const url = server.unusedDatabaseUrl();
    const result = await makeDb([], { DATABASE_URL: url });
    expect(result.code).not.toBe(0);
    const name = new URL(url).pathname.slice(1);
    // One line saying what to do, not psql's raw FATAL (make adds its own "Error 1" line after it).
    expect(result.stderr.split('\n')[0]).toBe(`make db: database "${name}" does not exist; \`make db CREATEDB=1\` creates it first`);
    expect(result.stderr).not.toMatch(/FATAL/);
    expect(await exists(server.serverUrl, url)).toBe(false);
  });

  it('hints CREATEDB=1 as well when the database is named by PGDATABASE', async () => {
    const url = server.unusedDatabaseUrl();
    const result = await makeDb([], libpqVariables(url));
    expect(result.code).not.toBe(0);
    expect(result.stderr.split('\n')[0]).toMatch(/^make db: database "\w+" does not exist; `make db CREATEDB=1` creates it first$/);
  });
});

interface Result {
  code: number | null;
  stderr: string;
}

/** Runs `make db` with only the given database settings: none leak in from this process. */
function makeDb(args: string[], settings: Record<string, string>): Promise<Result> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const inherited = key === 'DATABASE_URL' || key === 'CREATEDB' || key.startsWith('PG');
    if (!inherited && !key.startsWith('MAKE') && key !== 'MFLAGS') env[key] = value;
  }
  return new Promise((done, fail) => {
    const child = spawn('make', ['-s', 'db', ...args], {
      cwd: repoRoot,
      env: { ...env, ...settings },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', fail);
    child.once('close', (code) => done({ code, stderr }));
  });
}

function libpqVariables(url: string): Record<string, string> {
  const parsed = new URL(url);
  const vars: Record<string, string> = {
    PGHOST: parsed.hostname,
    PGPORT: parsed.port || '5432',
    PGUSER: decodeURIComponent(parsed.username),
    PGDATABASE: decodeURIComponent(parsed.pathname.slice(1)),
  };
  if (parsed.password !== '') vars.PGPASSWORD = decodeURIComponent(parsed.password);
  return vars;
}

async function versions(url: string): Promise<number[]> {
  const rows = await query<{ version: number }>(url, 'SELECT version FROM schema_version ORDER BY 1');
  return rows.map((row) => row.version);
}

async function exists(serverUrl: string, url: string): Promise<boolean> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const rows = await query(serverUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rows.length === 1;
}

async function query<R extends pg.QueryResultRow>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}
