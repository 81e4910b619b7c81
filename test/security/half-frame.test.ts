import { randomBytes } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { encodeFrame } from '../../src/protocol/index.js';
import { connectTcpClient, type FrameClient } from '../support/frame-client.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

/**
 * Finding 10 of the second security review (issue 17), the half-frame item: a logged-in connection
 * could park a frame of nearly the frame limit, one byte short, for ever — a megabyte of the server's
 * memory per connection, held at no cost. A frame must now be whole within `frameTimeoutMs` of its start.
 */
const FRAME_TIMEOUT_MS = 2000;
let server: TestServer;
const peers: FrameClient[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server.stop();
});

async function loggedIn(name: string): Promise<FrameClient> {
  const peer = await connectTcpClient(server.listening.ports[0]!);
  peers.push(peer);
  expect(await peer.request({ t: 'hello', id: 1, versions: [1] })).toMatchObject({ t: 'ok' });
  expect(await peer.request({ t: 'signup', id: 2, name, secret: randomBytes(32) })).toMatchObject({ t: 'ok' });
  return peer;
}

it('finding 10: a frame parked a byte short of whole is cut with idle_timeout, logged in or not', async () => {
  server = await startTestServer({ nodePorts: 1, limits: { frameTimeoutMs: FRAME_TIMEOUT_MS } });
  const parked = await loggedIn('parker');
  const frame = encodeFrame({ t: 'ping', id: 3, pad: randomBytes(1000 * 1000) });
  parked.write(frame.subarray(0, frame.length - 1));
  await parked.closed;
  expect(parked.received.at(-1)).toMatchObject({
    t: 'error',
    code: 'idle_timeout',
    message: expect.stringMatching(/did not arrive in full within 2 s/),
  });

  // Before login too (where the pre-login frame limit keeps it small, but not for ever).
  const anonymous = await connectTcpClient(server.listening.ports[0]!);
  peers.push(anonymous);
  expect(await anonymous.request({ t: 'hello', id: 1, versions: [1] })).toMatchObject({ t: 'ok' });
  anonymous.write(encodeFrame({ t: 'ping', id: 2 }).subarray(0, 5));
  await anonymous.closed;
  expect(anonymous.received.at(-1)).toMatchObject({ t: 'error', code: 'idle_timeout' });
});

it('a steady stream of frames whose chunks always end mid-frame is not cut, however long it flows', async () => {
  server = await startTestServer({ nodePorts: 1, limits: { frameTimeoutMs: FRAME_TIMEOUT_MS } });
  const peer = await loggedIn('streamer');
  // 40 pings, each chunk the end of one frame and the start of the next, a chunk every 100 ms: the
  // stream is never between frames for 4 s, twice the frame deadline, yet every frame is whole in 100 ms.
  const stream = Buffer.concat(Array.from({ length: 40 }, (_, i) => encodeFrame({ t: 'ping', id: 200 + i })));
  const frameBytes = stream.length / 40;
  for (let i = 0; i <= 40; i++) {
    const from = Math.max(0, i * frameBytes - Math.floor(frameBytes / 2));
    peer.write(stream.subarray(from, Math.min(stream.length, (i + 1) * frameBytes - Math.floor(frameBytes / 2))));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const ids: unknown[] = [];
  while (ids.length < 40) ids.push((await peer.next()).id);
  expect(ids).toEqual(Array.from({ length: 40 }, (_, i) => 200 + i));
  expect(await peer.request({ t: 'ping', id: 999 })).toMatchObject({ t: 'ok', id: 999 });
});
