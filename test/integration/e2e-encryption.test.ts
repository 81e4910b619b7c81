import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { collect, testClients } from '../support/client-harness.js';
import { ChatTestClient } from '../support/chat-client.js';
import { describeEachServer, type TestServer } from '../support/start-server.js';

let server: TestServer;
const clients = testClients(() => server.listening.coordinatorPort);
const raw: ChatTestClient[] = [];
afterEach(async () => {
  await Promise.all(raw.splice(0).map((c) => c.close()));
  await clients.cleanup();
});

/** Every file under a folder, recursively. */
async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? files(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))));
  return nested.flat();
}

describeEachServer('end-to-end encryption', (start) => {
  it('the database holds no plaintext of any message: every stored byte is searched', async () => {
    server = await start();
    const alice = await clients.open('alice', 'signup');
    const bob = await clients.open('bob', 'signup');
    const carol = await clients.open('carol', 'signup');
    const secrets = ['the eagle lands at midnight', 'group secret: tangerine-42', 'ünïcödé sëcrët 🙂'];
    await (
      await alice.send({ user: bob.user.id }, secrets[0]!)
    ).acked;
    const { conversation } = await alice.request({ t: 'group_create', name: 'plotters', members: [bob.user.id, carol.user.id] });
    await (
      await bob.send({ conversation: conversation.conversation }, secrets[1]!)
    ).acked;
    await (
      await carol.send({ conversation: conversation.conversation }, secrets[2]!)
    ).acked;
    const inbox = collect(alice);
    await inbox.until(() => true, 'nothing');

    const { rows: tables } = await server.database.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['users', 'messages', 'conversations', 'members']));
    let dump = '';
    for (const { name } of tables) {
      // Table names come from the catalog, not from input; quote_ident guards them all the same.
      const { rows: built } = await server.database.query<{ sql: string }>(
        `SELECT format('SELECT coalesce(json_agg(t)::text, %L) AS text FROM %I t', '', $1::text) AS sql`,
        [name],
      );
      const { rows } = await server.database.query<{ text: string }>(built[0]!.sql);
      dump += rows[0]?.text ?? '';
    }
    expect(dump.length).toBeGreaterThan(1000);
    expect(dump).toContain('plotters'); // group names are server metadata: the search does see text
    for (const secret of secrets) {
      expect(dump).not.toContain(secret);
      expect(dump.toLowerCase()).not.toContain(Buffer.from(secret).toString('hex'));
    }
    if (server.database.kind === 'embedded') {
      for (const file of await files(server.dataDir)) {
        if (!(await stat(file)).isFile()) continue;
        const bytes = await readFile(file);
        for (const secret of secrets) expect(bytes.includes(Buffer.from(secret)), `${file} holds "${secret}"`).toBe(false);
      }
    }
  });

  it('a tampered ciphertext, or an envelope replayed by someone else, never shows as verified', async () => {
    server = await start();
    const alice = await clients.open('alice', 'signup');
    const bob = await clients.open('bob', 'signup');
    const mallory = await ChatTestClient.connect(server.listening.coordinatorPort);
    raw.push(mallory);
    await mallory.signup('mallory');
    const { conversation } = await alice.request({ t: 'group_create', name: 'trio', members: [bob.user.id, mallory.id] });
    const id = conversation.conversation;
    const inbox = collect(bob);
    await (
      await alice.send({ conversation: id }, 'from alice, really')
    ).acked;
    await inbox.until((m) => m.some((x) => x.text === 'from alice, really'), 'the genuine message');
    const genuine = (await server.core.services.store.messagesAfter(id, 0, null, 100)).find((m) => m.kind === 'message')!;

    // 1. mallory sends alice's exact envelope as her own message.
    await mallory.rpc.request({ t: 'send', conversation: id, cid: 'replay', body: Buffer.from(genuine.body) });
    // 2. mallory flips one byte near the end (signature) and one in the middle (ciphertext).
    for (const [cid, at] of [
      ['tamper-sig', genuine.body.length - 5],
      ['tamper-body', Math.floor(genuine.body.length / 2)],
    ] as const) {
      const tampered = Buffer.from(genuine.body);
      tampered[at] = tampered[at]! ^ 0x01;
      await mallory.rpc.request({ t: 'send', conversation: id, cid, body: tampered });
    }
    // 3. garbage.
    await mallory.rpc.request({ t: 'send', conversation: id, cid: 'garbage', body: Buffer.from('not an envelope at all') });
    await inbox.until((m) => m.filter((x) => x.kind === 'message').length === 5, 'all five');
    const forged = inbox.messages.filter((m) => m.kind === 'message' && m.from === mallory.id);
    expect(forged).toHaveLength(4);
    for (const message of forged) {
      expect(message.trust, `${message.cid}`).not.toBe('verified');
      expect(['unverified', 'undecryptable']).toContain(message.trust);
    }
    expect(inbox.messages.find((m) => m.cid === 'garbage')).toMatchObject({ trust: 'undecryptable', text: undefined });
  });
});
