import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { readSchemaSql } from '../../src/store/schema.js';
import { freePorts } from '../support/free-ports.js';
import { findPostgresBin, startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres.js';
import { startServerProcess, treeUsage, type ProcessUsage } from './server-process.js';

export type BenchDatabase = 'postgres' | 'pglite';

export interface DeploymentOptions {
  readonly database: BenchDatabase;
  /** `--workers` of the server (PostgreSQL only). @default 1 */
  readonly workers?: number;
  /** Node ports (1 puts every client on one node). @default 4 */
  readonly ports?: number;
  /**
   * A PostgreSQL server (URL of a database whose user may create databases) to create the bench
   * database on, instead of a throwaway cluster of our own (the test suite passes its own).
   */
  readonly postgresServerUrl?: string;
  /**
   * 'off' (the default) passes `--send-rate 0 --request-rate 0 --login-rate 0 --max-connections-per-address 0`, for scenarios that
   * measure the server rather than its limits; 'default' leaves the server's own defaults (flood).
   */
  readonly limits?: 'default' | 'off';
  /** More `fastchat-server` flags, appended as given. */
  readonly serverArgs?: readonly string[];
}

/** A real fastchat-server on free ports over a fresh database, for one benchmark run. */
export interface Deployment {
  readonly coordinator: { host: string; port: number };
  /** "PostgreSQL 15 (throwaway cluster)", "PGlite (embedded)". */
  readonly databaseLabel: string;
  serverUsage(): ProcessUsage;
  /** Usage of the PostgreSQL server processes (zero for PGlite, which runs inside the server). */
  databaseUsage(): ProcessUsage;
  /**
   * SIGKILLs the server, as a node dies (or with `how` 'stop' stops it as an operator does), and starts
   * it again on the same ports and database; resolves once it is ready again. `whileDown` runs after
   * the kill, before the new start.
   */
  restart(whileDown?: () => void | Promise<void>, how?: 'kill' | 'stop'): Promise<void>;
  stop(): Promise<void>;
}

let postgres: Promise<ThrowawayPostgres> | undefined;

/** One throwaway PostgreSQL for the whole bench run (DATABASE_URL is never touched). */
function benchPostgres(): Promise<ThrowawayPostgres> {
  postgres ??= (async () => {
    const bin = await findPostgresBin();
    if (!bin) throw new Error('bench: the PostgreSQL scenarios need pg_ctl and initdb (PostgreSQL 15 binaries)');
    const cluster = await startThrowawayPostgres(bin);
    process.once('beforeExit', () => void cluster.stop());
    return cluster;
  })();
  return postgres;
}

/** Stops the bench's PostgreSQL, if one was started. */
export async function stopBenchPostgres(): Promise<void> {
  if (postgres) await (await postgres).stop();
  postgres = undefined;
}

let databases = 0;

export async function startDeployment(options: DeploymentOptions): Promise<Deployment> {
  const ports = await freePorts((options.ports ?? 4) + 1);
  const coordinatorPort = ports.pop()!;
  const args = ['--ports', ports.join(','), '--coordinator-port', String(coordinatorPort)];
  // Most benchmarks measure the server, not its limits: every client dials from 127.0.0.1 (up to
  // 10,000 of them) and a DM-storm client sends as fast as its acks come back, so the limits are off.
  if ((options.limits ?? 'off') === 'off')
    args.push('--max-connections-per-address', '0', '--send-rate', '0', '--request-rate', '0', '--login-rate', '0');
  args.push(...(options.serverArgs ?? []));
  let cleanup: () => Promise<void>;
  let label: string;
  let postgresPid = 0;
  if (options.database === 'postgres') {
    const cluster = options.postgresServerUrl
      ? { url: options.postgresServerUrl, pid: 0, version: '(given server)' }
      : await benchPostgres();
    const name = `fastchat_bench_${process.pid}_${++databases}`;
    await admin(cluster.url, `CREATE DATABASE ${name}`);
    const url = withDatabase(cluster.url, name);
    await admin(url, await readSchemaSql());
    postgresPid = cluster.pid;
    args.push('--db', url, '--workers', String(options.workers ?? 1));
    cleanup = () => admin(cluster.url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined);
    label = `PostgreSQL ${cluster.version} (throwaway cluster, fsync on)`;
  } else {
    if ((options.workers ?? 1) > 1) throw new Error('bench: --workers needs PostgreSQL');
    const dataDir = await mkdtemp(join(tmpdir(), 'fastchat-bench-'));
    args.push('--data-dir', dataDir);
    cleanup = () => rm(dataDir, { recursive: true, force: true });
    label = 'PGlite (embedded)';
  }
  let server = await startServerProcess(args, coordinatorPort);
  return {
    coordinator: { host: '127.0.0.1', port: coordinatorPort },
    databaseLabel: label,
    serverUsage: () => server.usage(),
    databaseUsage: () => (postgresPid ? treeUsage(postgresPid) : { cpuSeconds: 0, rssBytes: 0 }),
    restart: async (whileDown, how = 'kill') => {
      await (how === 'stop' ? server.stop() : server.kill());
      await whileDown?.();
      server = await startServerProcess(args, coordinatorPort);
    },
    stop: async () => {
      await server.stop();
      await cleanup();
    },
  };
}

async function admin(url: string, sql: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** `url` naming database `name` instead of its own. */
function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
