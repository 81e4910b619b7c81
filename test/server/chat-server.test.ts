import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../src/protocol/index.js';
import { ChatServer } from '../../src/server/chat-server.js';
import { VERSION } from '../../src/version.js';
import { header } from '../support/frame-builder.js';
import { connectInMemory, type FrameClient } from '../support/frame-client.js';
import { openTestServices, type TestServices } from '../support/test-services.js';

let core: ChatServer;
const clients: FrameClient[] = [];
let small: TestServices;
let standard: TestServices;
beforeAll(async () => {
  standard = await openTestServices();
  small = { ...standard, fresh: (options) => standard.fresh({ maxFrameBytes: 1000, ...options }) };
});
afterAll(async () => {
  await standard?.close();
});

/** A fresh core (own writer, presence and port counts) over a shared store. */
function newCore(services = standard): ChatServer {
  return new ChatServer(services.fresh());
}

function nodeClient(port = 9001): FrameClient {
  core.load.addPort(port);
  const client = connectInMemory(core, { role: 'node', port });
  clients.push(client);
  return client;
}

afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await core.close(100);
});

describe('ChatServer core over an in-memory stream', () => {
  it('answers hello with the shared version, its name and its limits', async () => {
    core = newCore(small);
    const reply = await nodeClient().request({ t: 'hello', id: 1, versions: [1, 99], client: 'test' });
    expect(reply).toEqual({
      t: 'ok',
      id: 1,
      version: PROTOCOL_VERSION,
      server: `fastchat-server/${VERSION}`,
      limits: { maxFrameBytes: 1000, maxMessageBytes: 65536 },
    });
  });

  it('refuses hello with no common version, and keeps the connection', async () => {
    core = newCore();
    const client = nodeClient();
    expect(await client.request({ t: 'hello', id: 1, versions: [99] })).toMatchObject({ t: 'error', id: 1, code: 'unsupported_version' });
    expect(await client.request({ t: 'hello', id: 2, versions: [1] })).toMatchObject({ t: 'ok', id: 2 });
  });

  it('answers ping after hello with the server clock', async () => {
    core = newCore();
    const client = nodeClient();
    await client.request({ t: 'hello', id: 1, versions: [1] });
    const before = Date.now();
    const reply = await client.request({ t: 'ping', id: 2 });
    expect(reply).toMatchObject({ t: 'ok', id: 2 });
    expect(reply.time).toBeGreaterThanOrEqual(before);
  });

  it('answers pipelined requests each with exactly one reply', async () => {
    core = newCore();
    const client = nodeClient();
    client.send({ t: 'hello', id: 10, versions: [1] });
    for (let id = 11; id <= 20; id++) client.send({ t: 'ping', id });
    const replies = await Promise.all(Array.from({ length: 11 }, () => client.next()));
    expect(replies.map((r) => [r.t, r.id]).sort((a, b) => Number(a[1]) - Number(b[1]))).toEqual(
      Array.from({ length: 11 }, (_, i) => ['ok', 10 + i]),
    );
  });

  it('asks for hello before anything else on a node port', async () => {
    core = newCore();
    expect(await nodeClient().request({ t: 'ping', id: 3 })).toMatchObject({ t: 'error', id: 3, code: 'hello_required' });
  });

  it('answers a request with a missing or mistyped field with bad_request naming it, and carries on', async () => {
    core = newCore();
    const client = nodeClient();
    expect(await client.request({ t: 'hello', id: 4 })).toMatchObject({
      t: 'error',
      id: 4,
      code: 'bad_request',
      message: 'versions: is required',
    });
    expect(await client.request({ t: 'hello', id: 5, versions: 'one' })).toMatchObject({
      code: 'bad_request',
      message: 'versions: must be an array',
    });
    expect(await client.request({ t: 'hello', id: 6, versions: [1], client: 'x'.repeat(65) })).toMatchObject({
      code: 'bad_request',
      message: 'client: must be at most 64 characters',
    });
    expect(await client.request({ t: 'ping', id: -1 })).toEqual(expect.objectContaining({ t: 'error', code: 'bad_request' }));
    expect((await client.request({ t: 'hello', id: 7, versions: [1] })).t).toBe('ok');
  });

  it('answers an unknown type with unknown_type and its id', async () => {
    core = newCore();
    expect(await nodeClient().request({ t: 'teleport', id: 8 })).toMatchObject({ t: 'error', id: 8, code: 'unknown_type' });
  });

  it('serves route only on the coordinator', async () => {
    core = newCore();
    const client = nodeClient();
    await client.request({ t: 'hello', id: 1, versions: [1] });
    expect(await client.request({ t: 'route', id: 2 })).toMatchObject({ t: 'error', id: 2, code: 'wrong_port' });
  });

  it('answers a frame error with an id-less error frame, then closes', async () => {
    core = newCore();
    const client = nodeClient();
    client.write(header(0));
    expect(await client.next()).toMatchObject({ t: 'error', code: 'bad_frame', message: 'frame length 0 is invalid' });
    expect(client.received[0]).not.toHaveProperty('id');
    await client.closed;
  });

  it('closes a connection that declares a frame over the limit, without waiting for its body', async () => {
    core = newCore(small);
    const client = nodeClient();
    client.write(header(1001));
    expect(await client.next()).toMatchObject({ t: 'error', code: 'frame_too_large' });
    await client.closed;
  });

  it('rejects a first byte that is neither codec in plain text, then closes', async () => {
    core = newCore();
    const client = nodeClient();
    client.write('GET / HTTP/1.1\r\n\r\n');
    await client.closed;
    expect(client.rawBytes.toString()).toBe(
      "fastchat: unrecognised first byte 0x47: expected a fastchat frame (0x00) or legacy JSON ('{')\n",
    );
  });

  it('tells framed clients it is shutting down before it closes them', async () => {
    core = newCore();
    const client = nodeClient();
    await client.request({ t: 'hello', id: 1, versions: [1] });
    await core.close(1000);
    expect(await client.next()).toMatchObject({ t: 'error', code: 'shutting_down' });
    await client.closed;
    expect(core.connectionCount).toBe(0);
  });
});

describe('coordinator', () => {
  it('routes to the least-loaded node port and counts disconnects', async () => {
    core = newCore();
    core.load.addPort(9001);
    core.load.addPort(9002);
    const a = nodeClient(9001);
    const b = nodeClient(9001);
    nodeClient(9002);
    const coordinator = connectInMemory(core, { role: 'coordinator' });
    clients.push(coordinator);
    // Load 2 vs 1: every request goes to 9002.
    expect(await coordinator.request({ t: 'route', id: 1 })).toEqual({ t: 'ok', id: 1, host: '127.0.0.1', port: 9002 });
    expect(await coordinator.request({ t: 'route', id: 2 })).toMatchObject({ port: 9002 });
    a.close();
    b.close();
    await Promise.all([a.closed, b.closed]);
    await new Promise((r) => setImmediate(r));
    expect(core.load.count(9001)).toBe(0);
    expect(await coordinator.request({ t: 'route', id: 3 })).toMatchObject({ port: 9001 });
  });

  it('answers a legacy add-connection with the bare port number and closes', async () => {
    core = newCore();
    core.load.addPort(9003);
    const legacy = connectInMemory(core, { role: 'coordinator' });
    legacy.write('{"info-type":"add-connection"}');
    await legacy.closed;
    expect(legacy.rawBytes.toString('latin1')).toBe('9003');
  });

  it('answers unavailable when it has no node port', async () => {
    core = newCore();
    const coordinator = connectInMemory(core, { role: 'coordinator' });
    clients.push(coordinator);
    expect(await coordinator.request({ t: 'route', id: 1 })).toMatchObject({ t: 'error', id: 1, code: 'unavailable' });
  });
});
