import { afterEach, expect, it } from 'vitest';
import { askCoordinator } from '../../src/client/connect.js';
import { ChatTestClient } from '../support/chat-client.js';
import { describePostgres } from '../support/databases.js';
import { connectTcpClient, type FrameClient } from '../support/frame-client.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

const FAST = { nodeTimeoutMs: 1000, heartbeatMs: 100 };
const servers: TestServer[] = [];
const held: FrameClient[] = [];
afterEach(async () => {
  held.splice(0).forEach((c) => c.close());
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

describePostgres('cluster routing', (postgres) => {
  it('every coordinator routes to the least-loaded live node, and stops routing to a node that left', async () => {
    const url = await postgres.databaseWithSchema();
    const a = await startTestServer({ databaseUrl: url, nodePorts: 2, cluster: FAST });
    const b = await startTestServer({ databaseUrl: url, nodePorts: 2, cluster: FAST });
    servers.push(a, b);
    // Load node A with four connections; B has none.
    for (const port of [...a.listening.ports, ...a.listening.ports]) held.push(await connectTcpClient(port));
    await expect.poll(() => a.core.services.cluster?.nodes.find((n) => n.id === a.core.services.cluster?.id)?.connections).toBe(4);
    await expect.poll(() => b.core.services.cluster?.nodes.length).toBe(2);

    const fromA = await askCoordinator({ host: '127.0.0.1', port: a.listening.coordinatorPort });
    const fromB = await askCoordinator({ host: '127.0.0.1', port: b.listening.coordinatorPort });
    expect(b.listening.ports).toContain(fromA.port);
    expect(b.listening.ports).toContain(fromB.port);

    // A client routed by A's coordinator chats on B, through the shared database.
    const carol = await ChatTestClient.connect(a.listening.coordinatorPort);
    await carol.signup('carol');
    expect(b.core.load.count(fromA.port) + b.core.load.count(b.listening.ports.find((p) => p !== fromA.port)!)).toBeGreaterThan(0);
    await carol.close();

    // B leaves: A's coordinator keeps clients at home again.
    servers.splice(servers.indexOf(b), 1);
    await b.stop();
    await expect.poll(async () => a.listening.ports.includes((await askCoordinator({ host: '127.0.0.1', port: a.listening.coordinatorPort })).port)).toBe(true);
  });
});
