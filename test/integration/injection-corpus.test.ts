import { afterEach, expect, it } from 'vitest';
import { GROUP_NAME_MAX, MESSAGE_BODY_MAX_BYTES, USER_NAME_MAX, USER_NAME_PATTERN } from '../../src/protocol/index.js';
import { ChatTestClient, secretFor } from '../support/chat-client.js';
import { INJECTION_CORPUS } from '../support/injection-corpus.js';
import { describeEachServer, type TestServer } from '../support/start-server.js';

/**
 * Hostile text as user names, group names, message bodies and lookups (issue 10, point 5): each is
 * refused with `bad_request` or stored and returned byte for byte; nothing is truncated, interpreted
 * or able to reach the SQL (every statement is parameterised), and the tables survive.
 */
const clients: ChatTestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
});

async function connect(server: TestServer): Promise<ChatTestClient> {
  const client = await ChatTestClient.connect(server.listening.coordinatorPort);
  clients.push(client);
  return client;
}

/** The reply's error code, or 'ok'. */
const outcome = (reply: Promise<unknown>) =>
  reply.then(
    () => 'ok',
    (error: { code?: string; message?: string }) => error.code ?? `no code (${error.message ?? ''})`,
  );

const corpus = Object.entries(INJECTION_CORPUS);
/** Group names and bodies at their limits and one over. */
const longName = 'g'.repeat(GROUP_NAME_MAX);
const longBody = Buffer.alloc(MESSAGE_BODY_MAX_BYTES, 0x1b);

describeEachServer('injection corpus', (start) => {
  it('refuses a hostile user name with bad_request, or keeps it exactly; a hostile login or prefix matches no one', async () => {
    const server = await start();
    const names = [...corpus.map(([, text]) => text), 'a'.repeat(USER_NAME_MAX), 'b'.repeat(USER_NAME_MAX + 1), 'Dot.dash-under_1'];
    for (const name of names) {
      const client = await connect(server);
      const reply = client.rpc.request({ t: 'signup', name, secret: secretFor(name) });
      if (USER_NAME_PATTERN.test(name)) {
        expect((await reply).user.name, JSON.stringify(name)).toBe(name);
      } else {
        expect(await outcome(reply), JSON.stringify(name)).toBe('bad_request');
      }
    }
    const looker = await (await connect(server)).signup('looker');
    for (const [label, text] of corpus) {
      // A name no account has: never a way in, whatever quotes or wildcards it holds.
      const stranger = await connect(server);
      // (Past a few failures the per-address throttle answers instead: no way in either.)
      expect(await outcome(stranger.rpc.request({ t: 'login', name: text, secret: secretFor('looker') })), label).toMatch(
        /^(bad_credentials|bad_request|rate_limited)$/,
      );
      const prefix = text.slice(0, USER_NAME_MAX);
      expect(await outcome(looker.rpc.request({ t: 'users', prefix })), label).toMatch(/^(ok|bad_request)$/);
      const found = await looker.rpc.request({ t: 'users', prefix }).catch(() => ({ users: [] }));
      expect(
        found.users.map((u) => u.name),
        label,
      ).toEqual([]);
    }
    await expectTablesIntact(server);
  }, 120_000);

  it('keeps hostile group names and message bodies byte for byte, and refuses one over the limit', async () => {
    const server = await start();
    const amy = await (await connect(server)).signup('amy');
    const bob = await (await connect(server)).signup('bob');
    const names = [...corpus.map(([, text]) => text), longName];
    for (const name of names) {
      const reply = amy.rpc.request({ t: 'group_create', name, members: [bob.id] });
      const code = await outcome(reply);
      expect(code, JSON.stringify(name)).toMatch(/^(ok|bad_request)$/);
      if (code !== 'ok') continue;
      const { conversation } = await reply;
      expect(conversation.name, JSON.stringify(name)).toBe(name);
      const seen = (await bob.rpc.request({ t: 'conversations' })).conversations.find((c) => c.conversation === conversation.conversation);
      expect(seen?.name, JSON.stringify(name)).toBe(name);
      await amy.rpc.request({ t: 'group_rename', conversation: conversation.conversation, name: `${name}!`.slice(-GROUP_NAME_MAX) });
    }
    expect(await outcome(amy.rpc.request({ t: 'group_create', name: `${longName}g`, members: [] }))).toBe('bad_request');

    const { conversation } = await amy.send({ to: bob.id }, 'hi');
    const bodies = [...corpus.map(([, text]) => Buffer.from(text)), longBody];
    for (const body of bodies)
      await amy.rpc.request({ t: 'send', conversation, cid: `c${body.length}-${body.toString('hex').slice(0, 40)}`, body });
    expect(await outcome(amy.rpc.request({ t: 'send', conversation, cid: 'over', body: Buffer.alloc(MESSAGE_BODY_MAX_BYTES + 1) }))).toBe(
      'bad_request',
    );
    const { messages } = await bob.rpc.request({ t: 'history', conversation, limit: 200 });
    expect(messages.slice(1).map((m) => Buffer.from(m.body).toString('hex'))).toEqual(bodies.map((b) => b.toString('hex')));
    await expectTablesIntact(server);
  }, 120_000);

  it('keeps hostile client message ids exactly, except the reserved event: prefix', async () => {
    const server = await start();
    const cy = await (await connect(server)).signup('cy_');
    const dee = await (await connect(server)).signup('dee');
    for (const [label, text] of corpus.filter(([, text]) => !text.includes('\u0000'))) {
      const code = await outcome(cy.send({ to: dee.id }, label, text));
      expect(code, label).toMatch(/^(ok|bad_request)$/);
    }
    expect(await outcome(cy.send({ to: dee.id }, 'x', 'event:forged'))).toBe('bad_request');
    const { messages } = await dee.rpc.request({
      t: 'history',
      conversation: (await cy.send({ to: dee.id }, 'last')).conversation,
      limit: 200,
    });
    for (const message of messages) expect(Object.values(INJECTION_CORPUS).concat(messages.at(-1)!.cid)).toContain(message.cid);
    await expectTablesIntact(server);
  }, 60_000);

  // PostgreSQL text cannot hold NUL: the request schema refuses it before any SQL runs.
  it('refuses a client message id holding U+0000 with bad_request', async () => {
    const server = await start();
    const eli = await (await connect(server)).signup('eli');
    const fox = await (await connect(server)).signup('fox');
    expect(await outcome(eli.send({ to: fox.id }, 'x', INJECTION_CORPUS.sqlNul))).toBe('bad_request');
  });
});

/** Every table still there and readable, and no account lost. */
async function expectTablesIntact(server: TestServer): Promise<void> {
  for (const table of ['users', 'conversations', 'members', 'messages', 'resume_tokens']) {
    const { rows } = await server.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    expect(rows[0]!.n, table).toBeGreaterThanOrEqual(table === 'users' ? 2 : 0);
  }
}
