import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe } from 'vitest';
import type { ClusterOptions } from '../../src/server/cluster/cluster.js';
import type { ListenTls } from '../../src/server/ports/listen.js';
import { startServer, type RunningServer, type ServerLimits } from '../../src/server/start-server.js';
import { silentLogger, type Logger } from '../../src/util/logger.js';
import { describePostgres } from './databases.js';
import { seedPgliteDir } from './pglite-template.js';

export interface TestServer extends RunningServer {
  /** The embedded database's folder (when no databaseUrl was given). */
  readonly dataDir: string;
  /** Stops the server (if still running) and removes the data folder it made. */
  stop(): Promise<void>;
}

export interface TestServerOptions {
  /** How many node ports, each a free one. @default 2 */
  nodePorts?: number;
  /** Or these exact ports (to restart a server where it was). */
  ports?: { node: readonly number[]; coordinator: number };
  databaseUrl?: string;
  /** Reuse this embedded database folder (it is then not removed by stop). */
  dataDir?: string;
  maxFrameBytes?: number;
  /** Serve legacy clients. @default true */
  legacy?: boolean;
  /** Node registry timing, with a databaseUrl. */
  cluster?: ClusterOptions;
  /** Connection and send limits (small ones make limit tests fast). */
  limits?: ServerLimits;
  /** Serve TLS with this certificate (test/support/tls-certs.ts). */
  tls?: ListenTls;
  /** Where the server logs. @default silent */
  logger?: Logger;
}

/**
 * Starts the real server on free ports (port 0) of 127.0.0.1 with an embedded database in a fresh
 * temp folder (a copy of the run's PGlite template), or on the PostgreSQL at `databaseUrl`. Call
 * stop() in afterEach/afterAll.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const owned = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'fastchat-test-')));
  const remove = () => (owned ? rm(dataDir, { recursive: true, force: true }) : Promise.resolve());
  try {
    if (options.databaseUrl === undefined) await seedPgliteDir(dataDir);
    const server = await startServer({
      host: '127.0.0.1',
      ports: options.ports?.node ?? Array.from({ length: options.nodePorts ?? 2 }, () => 0),
      coordinatorPort: options.ports?.coordinator ?? 0,
      databaseUrl: options.databaseUrl,
      dataDir,
      maxFrameBytes: options.maxFrameBytes ?? 1024 * 1024,
      ...(options.cluster ? { cluster: options.cluster } : {}),
      // Every test client dials from 127.0.0.1, so the per-address login pace would be all of a test's
      // clients' together; it is off unless a test asks for it (test/security/login-pace.test.ts does).
      limits: { loginRatePerS: 0, ...options.limits },
      ...(options.legacy === undefined ? {} : { legacy: options.legacy }),
      ...(options.tls ? { tls: options.tls } : {}),
      logger: options.logger ?? silentLogger,
    });
    return {
      ...server,
      dataDir,
      stop: async () => {
        await server.close();
        await remove();
      },
    };
  } catch (error) {
    await remove();
    throw error;
  }
}

/**
 * Runs `suite` twice: against a server on the embedded PGlite and against one on a real PostgreSQL
 * (a fresh database per server). Servers started through `start` are stopped after each test.
 */
export function describeEachServer(
  name: string,
  suite: (start: (options?: { nodePorts?: number; legacy?: boolean }) => Promise<TestServer>) => void,
): void {
  const trackStops = () => {
    const running: TestServer[] = [];
    afterEach(async () => {
      await Promise.all(running.splice(0).map((s) => s.stop()));
    });
    return running;
  };
  describe(`${name} [pglite]`, () => {
    const running = trackStops();
    suite(async (options) => {
      const server = await startTestServer(options);
      running.push(server);
      return server;
    });
  });
  describePostgres(name, (postgres) => {
    const running = trackStops();
    suite(async (options) => {
      const server = await startTestServer({ ...options, databaseUrl: await postgres.databaseWithSchema() });
      running.push(server);
      return server;
    });
  });
}
