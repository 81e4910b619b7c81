import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { RequestFailedError } from '../../src/client/errors.js';
import { collect, useServerWithClients } from '../support/client-harness.js';
import { ChatTestClient, secretFor } from '../support/chat-client.js';
import { runBin } from '../support/run-bin.js';

const world = useServerWithClients();
const { clients } = world;

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: unknown) => (error instanceof RequestFailedError ? error.code : String(error)),
  );
const spki = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ type: 'spki', format: 'der' });

/**
 * Finding 9 of the second security review (issue 17): `publicKey` was not validated. One user with
 * garbage as a key made `fastchat users` abort for everyone, and their messages vanished silently.
 */
it('finding 9: a publicKey that is not an RSA key of 2048-8192 bits is refused at signup and at publish_keys', async () => {
  const raw = await ChatTestClient.connect(world.server.listening.coordinatorPort);
  try {
    const bad = {
      garbage: randomBytes(300),
      empty: Buffer.alloc(1),
      rsa1024: spki(1024),
      ec: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' }),
    };
    for (const [label, publicKey] of Object.entries(bad)) {
      expect(await codeOf(raw.rpc.request({ t: 'signup', name: `m_${label}`, secret: secretFor(label), publicKey })), label).toBe(
        'bad_request',
      );
    }
    const alice = await clients.open('alice', 'signup');
    for (const [label, publicKey] of Object.entries(bad))
      expect(await codeOf(alice.request({ t: 'publish_keys', secret: alice.identity.loginSecret, publicKey })), label).toBe('bad_request');
    // Her key is still the one she had.
    const { users } = await alice.request({ t: 'users', ids: [alice.user.id] });
    expect(Buffer.from(users[0]!.publicKey!).equals(alice.identity.publicKeyDer)).toBe(true);
  } finally {
    await raw.close();
  }
});

it("finding 9: a key no client can use, stored anyway (a database edited by hand), breaks no one's user list, and its owner's messages show as unverified instead of vanishing", async () => {
  const home = await clients.home();
  const victim = await clients.open('victim', 'signup', { home });
  const mallory = await clients.open('mallory', 'signup');
  await victim.close();
  await (
    await mallory.send({ user: victim.user.id }, 'signed with a key you will not get')
  ).acked;
  await world.server.database.query('UPDATE users SET public_key = $1 WHERE id = $2', [randomBytes(300), mallory.user.id]);

  const again = await clients.open('victim', 'login', { home, start: false });
  const inbox = collect(again);
  await again.start();
  await inbox.until((m) => m.some((x) => x.from === mallory.user.id), "mallory's message at the victim");
  expect(inbox.messages.find((x) => x.from === mallory.user.id)).toMatchObject({
    trust: 'unverified',
    text: 'signed with a key you will not get',
  });
  await again.close();

  const users = await runBin(
    'fastchat',
    ['--plaintext', '--server', `127.0.0.1:${world.server.listening.coordinatorPort}`, '--home', home, '--user', 'victim', 'users'],
    { FASTCHAT_PASSWORD: 'password of victim' },
  );
  expect(users.code, users.stderr).toBe(0);
  expect(users.stdout).toMatch(/^mallory .* unusable key \(not an SPKI DER public key\)$/m);
  expect(users.stdout).toMatch(/^victim /m);
});
