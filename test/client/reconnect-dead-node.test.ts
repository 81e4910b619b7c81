import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatClient } from '../../src/client/chat-client.js';
import { connectToNode } from '../../src/client/connect.js';
import { ConnectionClosedError, NodeUnreachableError } from '../../src/client/errors.js';
import { QUICK_RETRY_FOR_MS, ReconnectDelays } from '../../src/client/reconnect-delays.js';
import { ConnectError } from '../../src/transport/errors.js';
import { encodeFrame, FrameDecoder } from '../../src/protocol/index.js';
import { DEFAULT_BACKOFF } from '../../src/util/backoff.js';
import { startTestServer, type TestServer } from '../support/start-server.js';
import { testAccountKeys } from '../support/key-pool.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (let step = cleanups.pop(); step; step = cleanups.pop()) await step().catch(() => undefined);
});

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A coordinator that answers `route` with whatever `target(avoid)` says, and records when it was asked and what to avoid. */
async function fakeCoordinator(
  target: (avoid: readonly number[]) => number,
): Promise<{ port: number; routes: number[]; avoided: number[][] }> {
  const routes: number[] = [];
  const avoided: number[][] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 * 1024 });
    socket.on('data', (chunk) =>
      decoder.feed(chunk, (message) => {
        if (message.t !== 'route') return void socket.destroy();
        routes.push(Date.now());
        const avoid = ((message.avoid ?? []) as Array<{ port: number }>).map((a) => a.port);
        avoided.push(avoid);
        socket.write(encodeFrame({ t: 'ok', id: message.id, host: '127.0.0.1', port: target(avoid) }));
      }),
    );
  });
  const port = await listen(server);
  cleanups.push(async () => {
    sockets.forEach((s) => s.destroy());
    await closeServer(server);
  });
  return { port, routes, avoided };
}

/** A TCP relay standing in for a node: kill() makes it vanish as a SIGKILLed process does (resets, then refusal). */
async function relayTo(port: number): Promise<{ port: number; kill(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = connect({ host: '127.0.0.1', port });
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  const own = await listen(server);
  const kill = async () => {
    const closed = closeServer(server);
    sockets.forEach((s) => s.destroy());
    await closed;
  };
  cleanups.push(kill);
  return { port: own, kill };
}

describe('ReconnectDelays', () => {
  const always = () => 1; // the top of every jitter range
  const unreachable = () =>
    new NodeUnreachableError({ host: '127.0.0.1', port: 9001 }, new ConnectError('127.0.0.1:9001', 'connection refused'));

  it('backs off exponentially, up to the cap, when the server is down', () => {
    const delays = new ReconnectDelays(DEFAULT_BACKOFF, () => 0, always);
    expect(delays.first()).toBe(250);
    const down = new ConnectError('127.0.0.1:8000', 'connection refused');
    expect(Array.from({ length: 7 }, () => delays.after(down))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('asks the coordinator again soon, without growing, while the node it names is not answering; backs off once that lasts too long', () => {
    let now = 0;
    const delays = new ReconnectDelays(DEFAULT_BACKOFF, () => now, always);
    const quick: number[] = [];
    for (; now < QUICK_RETRY_FOR_MS; now += 500) quick.push(delays.after(unreachable()));
    expect(new Set(quick)).toEqual(new Set([500]));
    // Still unreachable after QUICK_RETRY_FOR_MS (a wrong --advertise-host, say): the usual backoff.
    expect([delays.after(unreachable()), delays.after(unreachable()), delays.after(unreachable())]).toEqual([500, 1000, 2000]);
    // Any other failure ends the run: a node unreachable after it starts a new quick run.
    delays.after(new ConnectionClosedError());
    expect(delays.after(unreachable())).toBe(500);
  });

  it('keeps the quick delay within twice the base of the backoff given', () => {
    const delays = new ReconnectDelays({ baseMs: 50, maxMs: 500 }, () => 0, always);
    expect(delays.after(unreachable())).toBe(100);
  });
});

describe('connecting to the node the coordinator names', () => {
  it('says NodeUnreachableError (a connect_failed) when that node refuses, or closes before hello is answered', async () => {
    const gone = await relayTo(9);
    await gone.kill();
    const refusing = await fakeCoordinator(() => gone.port);
    const refused = await connectToNode({ coordinator: { host: '127.0.0.1', port: refusing.port } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NodeUnreachableError);
    expect(refused).toMatchObject({ code: 'connect_failed', node: { host: '127.0.0.1', port: gone.port } });
    expect((refused as Error).message).toBe(
      `cannot reach the server at 127.0.0.1:${gone.port}: connection refused (is fastchat-server running?) (the node the coordinator named)`,
    );

    const dying = createServer((socket) => socket.destroy());
    const dyingPort = await listen(dying);
    cleanups.push(() => closeServer(dying));
    const closing = await fakeCoordinator(() => dyingPort);
    const closed = await connectToNode({ coordinator: { host: '127.0.0.1', port: closing.port } }).catch((e: unknown) => e);
    expect(closed).toBeInstanceOf(NodeUnreachableError);
  });
});

describe('connecting when the named node is dead', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('asks the coordinator again at once, naming the node that failed in avoid, and connects where it is sent next', async () => {
    server = await startTestServer({ nodePorts: 1 });
    const livePort = server.listening.ports[0]!;
    const gone = await relayTo(livePort);
    await gone.kill();
    // Like a coordinator that has not yet noticed the death: it names the dead node unless told to avoid it.
    const coordinator = await fakeCoordinator((avoid) => (avoid.includes(gone.port) ? livePort : gone.port));
    const { rpc, node } = await connectToNode({ coordinator: { host: '127.0.0.1', port: coordinator.port } });
    rpc.close();
    expect(node.port).toBe(livePort);
    expect(coordinator.avoided).toEqual([[], [gone.port]]);
  });

  it('gives up with NodeUnreachableError when the coordinator names an avoided node again (it has no other)', async () => {
    const gone = await relayTo(9);
    await gone.kill();
    const coordinator = await fakeCoordinator(() => gone.port);
    const error = await connectToNode({ coordinator: { host: '127.0.0.1', port: coordinator.port } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeUnreachableError);
    expect(coordinator.avoided).toEqual([[], [gone.port]]);
  });
});

describe('ChatClient after its node dies', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('goes back to the coordinator, and keeps asking it soon (not after a growing backoff) while it still names the dead node', async () => {
    server = await startTestServer({ nodePorts: 1 });
    const livePort = server.listening.ports[0]!;
    const node = await relayTo(livePort);
    // The coordinator names the dead node for DEAD_FOR_MS after it dies, as the real ones do until its
    // heartbeat times out (--node-timeout), then the live one.
    const DEAD_FOR_MS = 3000;
    let routeTo = node.port;
    const coordinator = await fakeCoordinator(() => routeTo);
    const home = await mkdtemp(join(tmpdir(), 'fastchat-home-'));
    cleanups.push(() => rm(home, { recursive: true, force: true }));
    // The default backoff, as users get it.
    const client = await ChatClient.open({
      coordinator: { host: '127.0.0.1', port: coordinator.port },
      home,
      name: 'ann',
      password: 'password of ann',
      mode: 'signup',
      keys: testAccountKeys,
    });
    cleanups.push(() => client.close());
    const statuses: Array<{ at: number; state: string; port?: number }> = [];
    client.on('status', (s) =>
      statuses.push({ at: Date.now(), state: s.state, ...(s.state === 'connected' ? { port: s.node.port } : {}) }),
    );
    await client.start();
    expect(client.status).toMatchObject({ state: 'connected', node: { port: node.port } });

    const killedAt = Date.now();
    await node.kill();
    const switched = new Promise<void>((resolve) =>
      setTimeout(() => {
        routeTo = livePort;
        resolve();
      }, DEAD_FOR_MS),
    );
    await switched;
    await expect
      .poll(() => statuses.find((s) => s.state === 'connected' && s.port === livePort), { timeout: 10_000, interval: 20 })
      .toBeDefined();
    const back = statuses.find((s) => s.state === 'connected' && s.port === livePort)!;

    // Every attempt went through the coordinator, several times while it named the dead node: the
    // delays did not grow as from a server that is down (that would be 250, 500, 1000, 2000 ms…).
    const routesWhileDead = coordinator.routes.filter((at) => at >= killedAt && at < killedAt + DEAD_FOR_MS);
    expect(routesWhileDead.length).toBeGreaterThanOrEqual(5);
    // Each attempt asks twice: once, then at once again avoiding the node that failed (which this coordinator names anyway).
    expect(2 * statuses.filter((s) => s.state === 'reconnecting').length).toBeGreaterThanOrEqual(routesWhileDead.length);
    expect(coordinator.avoided.filter((avoid) => avoid.includes(node.port)).length).toBeGreaterThanOrEqual(routesWhileDead.length / 2 - 1);
    // Back on the live node soon after the coordinator names it: at most one quick delay (500 ms) later,
    // plus connecting, logging in and syncing.
    expect(back.at - killedAt).toBeLessThanOrEqual(DEAD_FOR_MS + 1500);
    expect(client.status).toMatchObject({ state: 'connected', node: { port: livePort } });
  });
});
