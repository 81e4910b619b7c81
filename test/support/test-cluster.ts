import { afterEach } from 'vitest';
import type { ClusterOptions } from '../../src/server/cluster/cluster.js';
import { ChatTestClient } from './chat-client.js';
import { startTestServer, type TestServer } from './start-server.js';

/** Node timing for tests: a node is dead after 1 s without a heartbeat, and beats every 100 ms. */
export const FAST_CLUSTER = { nodeTimeoutMs: 1000, heartbeatMs: 100 } as const satisfies ClusterOptions;

export interface TestCluster {
  /** Starts a node of the deployment on `databaseUrl` (one port unless said), stopped after the test. */
  node(databaseUrl: string, options?: { nodePorts?: number; cluster?: ClusterOptions }): Promise<TestServer>;
  /** A new user `name` signed up and synced on `server`'s first port, closed after the test. */
  user(server: TestServer, name: string): Promise<ChatTestClient>;
  /** Leaves the stopping of `server` (or the closing of `client`) to the test itself. */
  release(what: TestServer | ChatTestClient): void;
}

/**
 * Nodes of one deployment run in this process, and users on them, all closed after each test
 * (clients first). Call it inside `describePostgres`, so this cleanup runs before the database's.
 */
export function testCluster(): TestCluster {
  const servers: TestServer[] = [];
  const clients: ChatTestClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });
  return {
    async node(databaseUrl, options = {}) {
      const server = await startTestServer({ databaseUrl, nodePorts: options.nodePorts ?? 1, cluster: options.cluster ?? FAST_CLUSTER });
      servers.push(server);
      return server;
    },
    async user(server, name) {
      const client = await ChatTestClient.connectToPort(server.listening.ports[0]!);
      clients.push(client);
      await client.signup(name);
      await client.sync();
      return client;
    },
    release(what) {
      const list: Array<TestServer | ChatTestClient> = what instanceof ChatTestClient ? clients : servers;
      const at = list.indexOf(what);
      if (at >= 0) list.splice(at, 1);
    },
  };
}
