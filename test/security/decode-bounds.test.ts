import { randomBytes } from 'node:crypto';
import { duplexPair } from 'node:stream';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DEFAULT_MAX_FRAME_BYTES, MESSAGE_BODY_MAX_BYTES, PRE_LOGIN_FRAME_LIMITS } from '../../src/protocol/index.js';
import { ChatServer } from '../../src/server/chat-server.js';
import { HANG_UP_READ_MAX_BYTES } from '../../src/server/limits/refuse-connection.js';
import { FrameClient, connectTcpClient } from '../support/frame-client.js';
import { openTestServices } from '../support/test-services.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

/**
 * Finding 5 of the second security review (issue 17): CPU amplification before login. A 1 MiB
 * MessagePack map of 170,000 keys cost ~170 ms of the event loop to decode, on node ports and on the
 * coordinator, before `hello` or any pacing; one such connection took other users' ping from p50
 * 1.5 ms to 463 ms. Frames are now scanned against decode bounds before they are decoded, and a
 * connection that has not logged in is held to a 64 KiB frame of at most 256 entries.
 */
let server: TestServer;
const peers: FrameClient[] = [];
beforeEach(async () => {
  server = await startTestServer({ nodePorts: 1 });
});
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server.stop();
});

async function peer(port: number): Promise<FrameClient> {
  const client = await connectTcpClient(port);
  peers.push(client);
  return client;
}

/** A body of `keys` distinct keys and a `t`: what the flood sent, at any size. */
function wideMap(t: string, keys: number, extra: Record<string, unknown> = {}): Record<string, unknown> & { t: string } {
  const map: Record<string, unknown> & { t: string } = { t, id: 2, ...extra };
  for (let i = 0; i < keys; i++) map[`k${i.toString(36)}`] = 0;
  return map;
}

/** The connection's last words: an id-less error, then the close. */
async function refusal(client: FrameClient): Promise<{ code: unknown; message: unknown }> {
  await client.closed;
  const last = client.received.at(-1);
  expect(last?.id).toBeUndefined();
  return { code: last?.code, message: last?.message };
}

it('finding 5: before login, a frame of one wide map is refused unread, on a node port and on the coordinator', async () => {
  const node = await peer(server.listening.ports[0]!);
  expect(await node.request({ t: 'hello', id: 1, versions: [1] })).toMatchObject({ t: 'ok' });
  // 8,000 keys in 60 KiB: under the pre-login frame size, so only the structure can refuse it.
  node.send(wideMap('ping', 8000));
  expect(await refusal(node)).toEqual({
    code: 'bad_frame',
    message: expect.stringMatching(/refused before decoding: a map of 8002 entries; at most 32 per map/),
  });

  const coordinator = await peer(server.listening.coordinatorPort);
  coordinator.send(wideMap('route', 8000));
  expect(await refusal(coordinator)).toMatchObject({ code: 'bad_frame' });
});

it('finding 5: before login, a frame over 64 KiB is refused on its header; after login the announced limit holds', async () => {
  const anonymous = await peer(server.listening.ports[0]!);
  const hello = await anonymous.request({ t: 'hello', id: 1, versions: [1] });
  expect((hello.limits as { maxFrameBytes: number }).maxFrameBytes).toBe(DEFAULT_MAX_FRAME_BYTES);
  anonymous.send({ t: 'ping', id: 2, pad: randomBytes(PRE_LOGIN_FRAME_LIMITS.maxFrameBytes) });
  expect(await refusal(anonymous)).toEqual({ code: 'frame_too_large', message: expect.stringMatching(/exceeds the limit of 65536 bytes/) });

  // Logged in, the same connection may send what the protocol allows: a message body of 64 KiB.
  const alice = await peer(server.listening.ports[0]!);
  await alice.request({ t: 'hello', id: 1, versions: [1] });
  expect(await alice.request({ t: 'signup', id: 2, name: 'alice', secret: randomBytes(32) })).toMatchObject({ t: 'ok' });
  const bob = await peer(server.listening.ports[0]!);
  await bob.request({ t: 'hello', id: 1, versions: [1] });
  const bobId = ((await bob.request({ t: 'signup', id: 2, name: 'bob', secret: randomBytes(32) })).user as { id: number }).id;
  expect(await alice.request({ t: 'send', id: 3, to: bobId, cid: 'big', body: randomBytes(MESSAGE_BODY_MAX_BYTES) })).toMatchObject({
    t: 'ok',
    id: 3,
  });
});

it('finding 5: logged in, a map still may not have more entries than the bound, nor nest deeper', async () => {
  const alice = await peer(server.listening.ports[0]!);
  await alice.request({ t: 'hello', id: 1, versions: [1] });
  await alice.request({ t: 'signup', id: 2, name: 'alice', secret: randomBytes(32) });
  expect(await alice.request({ t: 'ping', id: 3, unknown: 'fields are dropped' })).toMatchObject({ t: 'ok', id: 3 });
  // The flood's own frame: a 1 MiB map of 80,000 keys.
  alice.send(wideMap('ping', 80_000));
  expect(await refusal(alice)).toMatchObject({
    code: 'bad_frame',
    message: expect.stringMatching(/a map of 80002 entries; at most 64 per map/),
  });

  const bob = await peer(server.listening.ports[0]!);
  await bob.request({ t: 'hello', id: 1, versions: [1] });
  await bob.request({ t: 'signup', id: 2, name: 'bob', secret: randomBytes(32) });
  let deep: unknown = 1;
  for (let i = 0; i < 9; i++) deep = [deep];
  bob.send({ t: 'ping', id: 3, deep });
  expect(await refusal(bob)).toMatchObject({ code: 'bad_frame', message: expect.stringMatching(/nested more than 8 deep/) });
});

it('finding 5: a peer that keeps writing after it was refused is not read on: the server stops reading it and cuts it', async () => {
  // Over an in-memory stream, where nothing buffers the bytes a server does not read: what the peer
  // gets written is what the server consumed. (Over TCP, kernel buffers would hide the difference.)
  const services = await openTestServices();
  const core = new ChatServer(services.fresh());
  try {
    core.load.addPort(9001);
    const [ours, theirs] = duplexPair();
    core.handle(theirs, { role: 'node', port: 9001 });
    const cut = new Promise((resolve) => theirs.once('close', resolve));
    const flooder = new FrameClient(ours);
    expect(await flooder.request({ t: 'hello', id: 1, versions: [1] })).toMatchObject({ t: 'ok' });
    flooder.send(wideMap('ping', 8000));
    expect(await flooder.next()).toMatchObject({ t: 'error', code: 'bad_frame' });
    // It goes on writing as if nothing happened: 64 MiB, a megabyte at a time. The flood wrote a
    // megabyte a frame after its refusal, and the server read it all until the flooder let go.
    let taken = 0;
    for (let i = 0; i < 64; i++) flooder.stream.write(Buffer.alloc(1024 * 1024), (error) => void (taken += error ? 0 : 1024 * 1024));
    await cut;
    expect(taken).toBeLessThanOrEqual(HANG_UP_READ_MAX_BYTES + 2 * 1024 * 1024);
  } finally {
    await core.close(100);
    await services.close();
  }
});
