import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/client/message-reader.js';
import { collect, testClients } from '../support/client-harness.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

let server: TestServer;
const clients = testClients(() => server.listening.coordinatorPort);
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await clients.cleanup();
  await server.stop();
});

/** The server plays its operator: it stores one of alice's old signed messages again, as new, and delivers it. */
async function storeAgain(conversation: number, seq: number, cid: string): Promise<void> {
  const { store, writer } = server.core.services;
  const old = (await store.messagesAfter(conversation, seq - 1, null, 1))[0]!;
  await writer.send({ senderId: old.senderId, conversationId: conversation, clientId: cid, body: old.body });
}

const texts = (messages: readonly ChatMessage[]) =>
  messages.filter((m) => m.kind === 'message').map((m) => [m.text, m.trust, m.reason ?? null]);

it('finding 6: a signed message the server stores again shows as replayed, not verified, live, after a restart, and in history', async () => {
  const home = await clients.home();
  const alice = await clients.open('alice', 'signup');
  let bob = await clients.open('bob', 'signup', { home });
  let inbox = collect(bob);
  const acks = [];
  for (const text of ['one', 'two', 'three']) acks.push(await (await alice.send({ user: bob.user.id }, text)).acked);
  const conversation = acks[0]!.conversation;
  await inbox.until((m) => m.length === 3, 'three messages');

  await storeAgain(conversation, acks[0]!.seq, 'replay-1');
  await inbox.until((m) => m.length === 4, 'the copy');
  expect(texts(inbox.messages)).toEqual([
    ['one', 'verified', null],
    ['two', 'verified', null],
    ['three', 'verified', null],
    ['one', 'unverified', 'replayed'],
  ]);

  // Bob's client restarts: what it knew of alice's session is kept, so a copy of the latest is caught too.
  await bob.close();
  await storeAgain(conversation, acks[2]!.seq, 'replay-3');
  bob = await clients.open('bob', 'login', { home, start: false });
  inbox = collect(bob);
  await bob.start();
  await inbox.until((m) => m.length === 1, 'the second copy');
  expect(texts(inbox.messages)).toEqual([['three', 'unverified', 'replayed']]);

  // History reads the originals as they were and both copies as copies.
  expect(texts(await bob.history(conversation))).toEqual([
    ['one', 'verified', null],
    ['two', 'verified', null],
    ['three', 'verified', null],
    ['one', 'unverified', 'replayed'],
    ['three', 'unverified', 'replayed'],
  ]);
  // And alice goes on: her next message is new, and verified.
  await (
    await alice.send({ user: bob.user.id }, 'four')
  ).acked;
  await inbox.until((m) => m.some((x) => x.text === 'four'), 'four');
  expect(inbox.messages.find((m) => m.text === 'four')).toMatchObject({ trust: 'verified' });
});
