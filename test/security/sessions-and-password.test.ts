import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { ChatClient, ClientStatus } from '../../src/client/chat-client.js';
import { RequestFailedError, WrongPasswordError } from '../../src/client/errors.js';
import { WrongPassphraseError } from '../../src/crypto/errors.js';
import { decryptPrivateKeyPem } from '../../src/crypto/identity.js';
import { LocalSealError, openLocal } from '../../src/crypto/local-seal.js';
import { derivePasswordKeys } from '../../src/crypto/password-keys.js';
import { collect, useServerWithClients } from '../support/client-harness.js';
import { ChatTestClient } from '../support/chat-client.js';
import { capturedLogin as capturedLoginAt } from '../support/captured-login.js';

const world = useServerWithClients();
const { clients } = world;

/**
 * Finding 2 of the second security review (issue 17), its second half: a captured login secret or
 * resume token kept working for as long as the attacker liked — there was no way to change the
 * password and no way to end other sessions. `sessions` lists a user's sessions, `end_session` ends
 * one (its connection closes at once with `session_ended`, its token stops working), and
 * `change_password` ends every other session and token; the old password then logs nobody in.
 */

async function codeOf(request: Promise<unknown>): Promise<string> {
  return request.then(
    () => 'ok',
    (error: unknown) => (error instanceof RequestFailedError || error instanceof WrongPasswordError ? error.code : String(error)),
  );
}

/** What a connection's close carried: the code of the server's last id-less error. */
async function closeCode(client: ChatTestClient): Promise<string> {
  const reason = await client.rpc.closed;
  return reason instanceof RequestFailedError ? reason.code : `closed without a reason (${reason.message})`;
}

/** Resolves with the client's status once it is `ended`. */
function ended(client: ChatClient): Promise<Extract<ClientStatus, { state: 'ended' }>> {
  return new Promise((resolve) => {
    if (client.status.state === 'ended') return resolve(client.status);
    client.on('status', (status) => status.state === 'ended' && resolve(status));
  });
}

const capturedLogin = (name: string, secret: Buffer) => capturedLoginAt(world.server.listening.coordinatorPort, name, secret);

it('finding 2: the owner sees a session resumed with a captured token and ends it: its connection closes with session_ended and the token is dead', async () => {
  const alice = await clients.open('alice', 'signup');
  const { raw: victimsOther, token } = await capturedLogin('alice', alice.identity.loginSecret);
  victimsOther.rpc.close();
  const attacker = await ChatTestClient.connect(world.server.listening.coordinatorPort);
  try {
    await attacker.rpc.request({ t: 'resume', token });
    const sessions = await alice.sessions();
    // alice's own (current) and the captured one; the list never carries a token.
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(JSON.stringify(sessions)).not.toContain(Buffer.from(token).toString('hex'));
    const captured = sessions.find((s) => !s.current)!;

    const attackerClosed = closeCode(attacker);
    await alice.endSession(captured.id);
    expect(await attackerClosed).toBe('session_ended');
    const again = await ChatTestClient.connect(world.server.listening.coordinatorPort);
    try {
      expect(await codeOf(again.rpc.request({ t: 'resume', token }))).toBe('bad_credentials');
    } finally {
      await again.close();
    }
    expect((await alice.sessions()).map((s) => s.id)).not.toContain(captured.id);
    // alice's own session is untouched.
    expect(alice.status.state).toBe('connected');
    expect(await codeOf(alice.request({ t: 'ping' }))).toBe('ok');
  } finally {
    await attacker.close();
  }
});

it('finding 2: changing the password ends every other session and token, and the old password logs nobody in', async () => {
  const alice = await clients.open('alice', 'signup', { password: 'old password' });
  const bob = await clients.open('bob', 'signup');
  // alice on a second machine (her TUI), and an attacker who saw one login: the secret and a token.
  const laptop = await clients.open('alice', 'login', { password: 'old password' });
  const { raw: attacker, token } = await capturedLogin('alice', alice.identity.loginSecret);
  const oldSecret = Buffer.from(alice.identity.loginSecret);
  try {
    const attackerClosed = closeCode(attacker);
    const laptopEnded = ended(laptop);
    await alice.changePassword('a much better passphrase');

    expect(await attackerClosed).toBe('session_ended');
    // The other machine stops for good and says why; it does not log back in with the secret it holds.
    expect(await laptopEnded).toMatchObject({ state: 'ended', code: 'session_ended' });
    const probe = await ChatTestClient.connect(world.server.listening.coordinatorPort);
    try {
      expect(await codeOf(probe.rpc.request({ t: 'resume', token }))).toBe('bad_credentials');
      expect(await codeOf(probe.rpc.request({ t: 'login', name: 'alice', secret: oldSecret }))).toBe('bad_credentials');
    } finally {
      await probe.close();
    }
    expect(await alice.sessions()).toEqual([expect.objectContaining({ current: true })]);

    // The changing client carries on: it sends, and bob reads it.
    const bobSees = collect(bob);
    await alice.send({ user: bob.user.id }, 'still here');
    await bobSees.until((m) => m.some((x) => x.text === 'still here'), 'bob reads alice after her change');
  } finally {
    await attacker.close();
  }
});

it("finding 2: after a change the new password opens this machine's keys and the backup on a new one, the old opens neither", async () => {
  const home = await clients.home();
  const alice = await clients.open('alice', 'signup', { home, password: 'old password' });
  const fingerprint = alice.identity.fingerprint;
  await alice.changePassword('new password');
  await alice.close();
  // The files on this machine are sealed under the new password's key, none under the old one's.
  const [oldKeys, newKeys] = [await derivePasswordKeys('alice', 'old password'), await derivePasswordKeys('alice', 'new password')];
  for (const file of ['identity.pem', 'legacy.pem']) {
    const pem = await readFile(join(home, 'alice', file), 'utf8');
    expect(() => decryptPrivateKeyPem(pem, oldKeys.localKey.toString('hex')), file).toThrow(WrongPassphraseError);
    expect(decryptPrivateKeyPem(pem, newKeys.localKey.toString('hex')).type, file).toBe('private');
  }
  const state = JSON.parse(await readFile(join(home, 'alice', 'state.json'), 'utf8')) as { sealedSessions: string };
  expect(() => openLocal(oldKeys.localKey, Buffer.from(state.sealedSessions, 'base64'))).toThrow(LocalSealError);
  expect(() => openLocal(newKeys.localKey, Buffer.from(state.sealedSessions, 'base64'))).not.toThrow();

  await expect(clients.open('alice', 'login', { home, password: 'old password' })).rejects.toThrow(WrongPasswordError);
  const again = await clients.open('alice', 'login', { home, password: 'new password' });
  expect(again.identity.fingerprint).toBe(fingerprint);
  // A new machine: the key comes from the server's backup, which the new password opens.
  const elsewhere = await clients.open('alice', 'login', { password: 'new password' });
  expect(elsewhere.identity.fingerprint).toBe(fingerprint);
});

it('finding 2: a password change needs the current password, and wrong ones are throttled like logins', async () => {
  const alice = await clients.open('alice', 'signup');
  const { raw: attacker } = await capturedLogin('alice', alice.identity.loginSecret);
  const before = await world.server.core.services.store.credentialsByName('alice');
  try {
    const wrong = Buffer.alloc(32, 1);
    const codes: string[] = [];
    for (let i = 0; i < 7; i++) {
      codes.push(await codeOf(attacker.rpc.request({ t: 'change_password', secret: wrong, newSecret: Buffer.alloc(32, 2) })));
    }
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('bad_credentials'));
    expect(codes.slice(5)).toEqual(['rate_limited', 'rate_limited']);
    // Nothing changed: the verifier is the one of alice's password (a login from here would only
    // meet the lock the guesses earned).
    const stored = await world.server.core.services.store.credentialsByName('alice');
    expect(Buffer.from(stored!.verifier).equals(Buffer.from(before!.verifier))).toBe(true);
  } finally {
    await attacker.close();
  }
});
