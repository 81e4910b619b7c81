import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { silentLogger } from '../../src/util/logger.js';
import { describePostgres } from './databases.js';

export interface TestServer extends RunningServer {
  /** Stops the server and removes its data folder. */
  stop(): Promise<void>;
}

/**
 * Starts the real server on free ports (port 0) of 127.0.0.1 with an embedded database in a fresh
 * temp folder, or on the PostgreSQL at `databaseUrl`. Call stop() in afterEach/afterAll.
 */
export async function startTestServer(options: { nodePorts?: number; databaseUrl?: string; maxFrameBytes?: number } = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'fastchat-test-'));
  try {
    const server = await startServer({
      host: '127.0.0.1',
      ports: Array.from({ length: options.nodePorts ?? 2 }, () => 0),
      coordinatorPort: 0,
      databaseUrl: options.databaseUrl,
      dataDir,
      maxFrameBytes: options.maxFrameBytes ?? 1024 * 1024,
      logger: silentLogger,
    });
    return {
      ...server,
      stop: async () => {
        await server.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Runs `suite` twice: against a server on the embedded PGlite and against one on a real PostgreSQL
 * (a fresh database per server). Servers started through `start` are stopped after each test.
 */
export function describeEachServer(name: string, suite: (start: (options?: { nodePorts?: number }) => Promise<TestServer>) => void): void {
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
