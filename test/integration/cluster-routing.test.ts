import { afterEach, expect, it } from 'vitest';
import { askCoordinator } from '../../src/client/connect.js';
import { ChatTestClient } from '../support/chat-client.js';
import { describePostgres } from '../support/databases.js';
import { connectTcpClient, type FrameClient } from '../support/frame-client.js';
import { freePorts, startServerBin, type RunningBin } from '../support/run-bin.js';
import { startTestServer, type TestServer } from '../support/start-server.js';
import { FAST_CLUSTER } from '../support/test-cluster.js';

const servers: TestServer[] = [];
const held: FrameClient[] = [];
const processes: RunningBin[] = [];
afterEach(async () => {
  held.splice(0).forEach((c) => c.close());
  await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

describePostgres('cluster routing', (postgres) => {
  it('every coordinator routes to the least-loaded live node, and stops routing to a node that left', async () => {
    const url = await postgres.databaseWithSchema();
    const a = await startTestServer({ databaseUrl: url, nodePorts: 2, cluster: FAST_CLUSTER });
    const b = await startTestServer({ databaseUrl: url, nodePorts: 2, cluster: FAST_CLUSTER });
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
    await expect
      .poll(async () => a.listening.ports.includes((await askCoordinator({ host: '127.0.0.1', port: a.listening.coordinatorPort })).port))
      .toBe(true);
  });

  it('a node that stops heartbeating gets no more clients well before it is declared dead', async () => {
    const url = await postgres.databaseWithSchema();
    // Dead after 5 s; heartbeats every second, so suspect after 2.5 missed ones.
    const a = await startTestServer({ databaseUrl: url, nodePorts: 1, cluster: { nodeTimeoutMs: 5000, heartbeatMs: 1000 } });
    servers.push(a);
    const [port, coordinator] = await freePorts(2);
    const b = await startServerBin([
      '--plaintext',
      '--db',
      url,
      '--ports',
      String(port),
      '--coordinator-port',
      String(coordinator),
      '--node-timeout',
      '5',
    ]);
    processes.push(b);
    for (let n = 0; n < 3; n++) held.push(await connectTcpClient(a.listening.ports[0]!));
    const cluster = a.core.services.cluster!;
    const routeFromA = async () => (await askCoordinator({ host: '127.0.0.1', port: a.listening.coordinatorPort })).port;
    await expect.poll(routeFromA, { timeout: 10_000 }).toBe(port);

    await b.stop('SIGKILL');
    await expect.poll(routeFromA, { timeout: 10_000, interval: 100 }).toBe(a.listening.ports[0]);
    // Still registered as live (the timeout has not passed), yet no longer chosen.
    expect(cluster.nodes.map((n) => n.id)).toHaveLength(2);
  }, 30_000);

  it('a SIGKILLed node is not offered once its database connection is gone, long before a heartbeat is missed', async () => {
    const url = await postgres.databaseWithSchema();
    // Heartbeats every 5 s: by heartbeats alone B would be suspected only 12.5 s after it died.
    const SLOW = { nodeTimeoutMs: 25_000, heartbeatMs: 5000 };
    const a = await startTestServer({ databaseUrl: url, nodePorts: 1, cluster: SLOW });
    servers.push(a);
    const [port, coordinator] = await freePorts(2);
    const b = await startServerBin([
      '--plaintext',
      '--db',
      url,
      '--ports',
      String(port),
      '--coordinator-port',
      String(coordinator),
      '--node-timeout',
      '25',
    ]);
    processes.push(b);
    for (let n = 0; n < 3; n++) held.push(await connectTcpClient(a.listening.ports[0]!));
    const cluster = a.core.services.cluster!;
    const liveness = cluster.liveness!;
    const routeFromA = async () => (await askCoordinator({ host: '127.0.0.1', port: a.listening.coordinatorPort })).port;
    await expect.poll(routeFromA, { timeout: 20_000 }).toBe(port);
    const bId = cluster.nodes.find((n) => n.id !== cluster.id)!.id;
    expect(liveness.mayRoute(bId)).toBe(true);

    const killedAt = Date.now();
    await b.stop('SIGKILL');
    // PostgreSQL ends B's backends as their sockets close; the coordinator's next check sees it.
    await expect.poll(async () => (await a.core.services.store.listeningNodes()).has(bId), { timeout: 10_000, interval: 20 }).toBe(false);
    await liveness.check();
    expect(liveness.mayRoute(bId)).toBe(false);
    expect(await routeFromA()).toBe(a.listening.ports[0]);
    const heartbeatAge = Date.now() - cluster.nodes.find((n) => n.id === bId)!.heartbeatAt.getTime();
    console.log(
      `B no longer offered ${Date.now() - killedAt} ms after the kill (its last heartbeat ${heartbeatAge} ms old; machine load makes this figure indicative only)`,
    );
    expect(cluster.nodes.map((n) => n.id)).toContain(bId); // still registered: only routing changed
  }, 60_000);

  it('route skips a node the client names in avoid, and names it again when the client avoids nothing', async () => {
    const url = await postgres.databaseWithSchema();
    const a = await startTestServer({ databaseUrl: url, nodePorts: 1, cluster: FAST_CLUSTER });
    const b = await startTestServer({ databaseUrl: url, nodePorts: 1, cluster: FAST_CLUSTER });
    servers.push(a, b);
    for (let n = 0; n < 3; n++) held.push(await connectTcpClient(a.listening.ports[0]!));
    const coordinatorA = { host: '127.0.0.1', port: a.listening.coordinatorPort };
    const bPort = b.listening.ports[0]!;
    await expect.poll(async () => (await askCoordinator(coordinatorA)).port, { timeout: 10_000 }).toBe(bPort);
    expect((await askCoordinator(coordinatorA, 5000, undefined, [{ host: '127.0.0.1', port: bPort }])).port).toBe(a.listening.ports[0]);
    expect((await askCoordinator(coordinatorA)).port).toBe(bPort);
  });
});
