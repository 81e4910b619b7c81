import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socketPair } from '../../../bench/support/socket-pair.js';
import { generateLegacyKey, legacyKeyText, legacyPublicKeyDer } from '../../../src/crypto/index.js';
import { ChatServer } from '../../../src/server/chat-server.js';
import { openTestServices, type TestServices } from '../../support/test-services.js';

let services: TestServices;
let publicKey: string;
beforeAll(async () => {
  services = await openTestServices();
  publicKey = legacyKeyText(legacyPublicKeyDer(await generateLegacyKey()));
});
afterAll(async () => {
  await services?.close();
});

/** A 2022 client's side of an in-memory connection: what it writes, and each chunk it reads. */
function legacyPeer(core: ChatServer) {
  const [client, server] = socketPair();
  core.load.addPort(9001);
  core.handle(server, { role: 'node', port: 9001, remoteAddress: '127.0.0.1' });
  const reads: string[] = [];
  let wake: (() => void) | undefined;
  client.on('data', (chunk: Buffer) => (reads.push(chunk.toString('latin1')), wake?.()));
  return {
    client: client,
    reads,
    write: (object: unknown) => client.write(JSON.stringify(object)),
    /** Resolves once there has been at least one read. */
    firstRead: () => new Promise<string>((resolve) => (reads.length > 0 ? resolve(reads[0]!) : (wake = () => resolve(reads[0]!)))),
  };
}

function signup(name: string) {
  return {
    'info-type': 'signup',
    name,
    password: createHash('sha256')
      .update(name.toUpperCase() + 'pw')
      .digest('hex'),
    public_key: publicKey,
  };
}

describe('LegacySession', () => {
  it("a signup's bare 1 is the first thing its connection reads, even when another user is announced while it logs in", async () => {
    const core = new ChatServer(services.fresh());
    const store = core.services.store;
    // Hold the first signup inside its login, after its session is logged in and before its reply
    // is written: that is where the presence announcement reads the database.
    const conversationsOf = store.conversationsOf.bind(store);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reachedLogin!: () => void;
    const inLogin = new Promise<void>((resolve) => (reachedLogin = resolve));
    let calls = 0;
    store.conversationsOf = async (userId) => {
      if (calls++ === 0) {
        reachedLogin();
        await held;
      }
      return conversationsOf(userId);
    };
    try {
      const alice = legacyPeer(core);
      alice.write(signup('alice'));
      await inLogin;
      // Bob signs up meanwhile: his new_user goes to every logged-in legacy session, alice's included.
      const bob = legacyPeer(core);
      bob.write(signup('bob'));
      expect(await bob.firstRead()).toBe('1');
      release();
      // Before: alice read {"info-type":"new_user","name":"BOB",…} first, and the 2022 client's
      // `recv() == '1'` failed its signup.
      expect(await alice.firstRead()).toBe('1');
      // Bob's announcement is not lost: it comes after alice's next object.
      alice.write({ 'info-type': 'start_notifications', name: 'ALICE' });
      await expect.poll(() => alice.reads.join('')).toContain('"info-type":"new_user"');
      alice.client.destroy();
      bob.client.destroy();
    } finally {
      store.conversationsOf = conversationsOf;
      await core.close(100);
    }
  });
});
