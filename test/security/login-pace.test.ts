import { connect, type Socket } from 'node:net';
import { expect, it } from 'vitest';
import { secretFor } from '../support/chat-client.js';
import { closeAfterEach } from '../support/close-after-each.js';
import { FrameClient } from '../support/frame-client.js';
import { LegacyTestClient } from '../support/legacy-client.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

/**
 * Finding 10 of the second security review (issue 17), the pacing item: successful logins and resumes
 * were not paced — 32 loops of them took other users' send p50 from 11 to 124 ms. `login`, `signup`
 * and `resume` are now paced per address before login: past the burst they wait their turn, none is
 * refused, and another address is not slowed.
 */
let server: TestServer | undefined;
const closers = closeAfterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function from(localAddress: string): Promise<FrameClient> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s: Socket = connect({ host: '127.0.0.1', port: server!.listening.ports[0]!, localAddress }, () => resolve(s));
    s.once('error', reject);
  });
  const peer = new FrameClient(socket);
  closers.push(() => peer.close());
  expect(await peer.request({ t: 'hello', id: 1, versions: [1] })).toMatchObject({ t: 'ok' });
  return peer;
}

it("finding 10: past its burst, an address's logins wait their turn (none refused); another address's do not", async () => {
  server = await startTestServer({ nodePorts: 1, limits: { loginRatePerS: 1, loginBurst: 2 } });
  const signup = await from('127.0.0.9');
  // From before the signup, which takes the first of 127.0.0.9's two tokens.
  const started = performance.now();
  expect(await signup.request({ t: 'signup', id: 2, name: 'alice', secret: secretFor('alice') })).toMatchObject({ t: 'ok' });

  // Four logins at once: one takes the other token, three wait for one a second each.
  const loops = await Promise.all(Array.from({ length: 4 }, () => from('127.0.0.9')));
  loops.forEach((peer, i) => peer.send({ t: 'login', id: 10 + i, name: 'alice', secret: secretFor('alice') }));
  // Meanwhile a login from another address is answered while those still wait.
  const other = await from('127.0.0.10');
  expect(await other.request({ t: 'login', id: 3, name: 'alice', secret: secretFor('alice') })).toMatchObject({ t: 'ok' });
  expect(loops.filter((peer) => peer.received.length > 1).length).toBeLessThan(4);

  const replies = await Promise.all(loops.map((peer) => peer.next()));
  expect(replies.map((reply) => reply.t)).toEqual(['ok', 'ok', 'ok', 'ok']);
  // Three waited for a token a second each: the last no sooner than 3 s after the signup (load only makes it later).
  expect(performance.now() - started).toBeGreaterThanOrEqual(2900);
});

it('finding 10: legacy logins are paced too: past the burst the bare answer comes when the address has a turn', async () => {
  server = await startTestServer({ nodePorts: 1, limits: { loginRatePerS: 1, loginBurst: 1 } });
  // Three connections of ann's first (each makes a key), then the signup and two logins on them.
  const [first, second, third] = await Promise.all([1, 2, 3].map(() => LegacyTestClient.connect(server!.listening.coordinatorPort, 'ann')));
  for (const client of [first!, second!, third!]) closers.push(() => client.close());
  const started = performance.now();
  expect(await first!.signup()).toBe('1');
  expect(await second!.login()).toBe('1');
  expect(await third!.login()).toBe('1');
  // One token at first, then one a second: the third login no sooner than 2 s after the signup.
  expect(performance.now() - started).toBeGreaterThanOrEqual(1900);
});
