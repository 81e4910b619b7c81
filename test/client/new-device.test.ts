import { afterEach, expect, it } from 'vitest';
import { collect, testClients } from '../support/client-harness.js';
import { describeEachServer, type TestServer } from '../support/start-server.js';

let server: TestServer;
const clients = testClients(() => server.listening.coordinatorPort);
afterEach(() => clients.cleanup());

describeEachServer('a new device of a user who has read their conversations', (start) => {
  it('catches up: the backlog reaches zero, counting down from only what its other devices had not confirmed', async () => {
    server = await start();
    const alice = await clients.open('alice', 'signup');
    const carol = await clients.open('carol', 'signup');
    const bob = await clients.open('bob', 'signup');
    const inbox = collect(bob);
    for (let i = 1; i <= 5; i++) await (await alice.send({ user: bob.user.id }, `alice ${i}`)).acked;
    await inbox.until((m) => m.filter((x) => x.kind === 'message').length === 5, 'alice’s five messages');
    const fromAlice = inbox.messages.at(-1)!;
    // Bob reads all of alice's: the server counts them as delivered to him, so a new device gets none of them.
    await bob.markRead(fromAlice.conversation, fromAlice.seq);
    await bob.close();
    for (let i = 1; i <= 3; i++) await (await carol.send({ user: bob.user.id }, `carol ${i}`)).acked;

    const newDevice = await clients.open('bob', 'login', { start: false });
    const fresh = collect(newDevice);
    await newDevice.start();
    await newDevice.caughtUp();
    expect(newDevice.backlog).toBe(0);
    expect(fresh.texts()).toEqual(['carol 1', 'carol 2', 'carol 3']);
    expect(newDevice.backlogTotal).toBe(3);
    // And it keeps receiving, in the conversation it read elsewhere too.
    await (
      await alice.send({ user: bob.user.id }, 'alice new')
    ).acked;
    await fresh.until((m) => m.some((x) => x.text === 'alice new'), 'a live message');
  }, 60_000);
});
