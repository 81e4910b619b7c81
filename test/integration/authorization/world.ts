import type { ResultOf } from '../../../src/protocol/index.js';
import { RpcConnection } from '../../../src/client/rpc-connection.js';
import { connectTcp } from '../../../src/transport/tcp-transport.js';
import { ChatTestClient, secretFor } from '../../support/chat-client.js';
import type { TestServer } from '../../support/start-server.js';

/**
 * Who sends a request in the authorization matrix. `coordinator` and `noHello` are connections that
 * are not yet (or never) chat sessions; the rest are sessions on a node port after `hello`.
 */
export const ACTORS = ['coordinator', 'noHello', 'anonymous', 'outsider', 'member', 'admin', 'removed'] as const;
export type Actor = (typeof ACTORS)[number];

/** The group's users; the anonymous, hello-less and coordinator connections belong to nobody. */
type Person = 'admin' | 'member' | 'removed' | 'outsider';

/**
 * One situation, built fresh for each cell of the matrix so that a request allowed in one cell cannot
 * change what another cell sees: a group made by `admin` with `member` and `removed`, a message before
 * and one after `removed` was removed (and a rename after), a direct conversation of `admin` and `member`, and `outsider`,
 * who is in neither. Every name starts with `prefix`, so its rows can be told from other worlds'.
 */
export interface World {
  readonly prefix: string;
  readonly ids: Readonly<Record<Person, number>>;
  readonly clients: Readonly<Record<Person, ChatTestClient>>;
  readonly group: number;
  readonly direct: number;
  /** Seq of the `member_removed` event of `removed`. */
  readonly removedAt: number;
  /** A resume token of `member` (from its signup), for `resume` by an anonymous session. */
  readonly memberToken: Uint8Array;
  /** The id of that token: the session the member's own connection holds (`sessions`, `end_session`). */
  readonly memberSession: number;
  /** The connection of the cell's actor. */
  readonly rpc: RpcConnection;
  close(): Promise<void>;
}

let worlds = 0;

export async function buildWorld(server: TestServer, actor: Actor): Promise<World> {
  const prefix = `w${++worlds}x${process.pid % 1000}`;
  const connect = () => ChatTestClient.connect(server.listening.coordinatorPort);
  const [admin, member, removed, outsider] = await Promise.all([connect(), connect(), connect(), connect()]);
  const clients = { admin: admin, member: member, removed: removed, outsider: outsider };
  const extra: RpcConnection[] = [];
  const close = async () => {
    extra.forEach((rpc) => rpc.close());
    await Promise.all(Object.values(clients).map((c) => c.close().catch(() => undefined)));
  };
  try {
    const memberSignup = await clients.member.rpc.request({ t: 'signup', name: `${prefix}member`, secret: secretFor(`${prefix}member`) });
    clients.member.user = memberSignup.user;
    await Promise.all([
      clients.admin.signup(`${prefix}admin`),
      clients.removed.signup(`${prefix}removed`),
      clients.outsider.signup(`${prefix}outsider`),
    ]);
    const ids = { admin: clients.admin.id, member: clients.member.id, removed: clients.removed.id, outsider: clients.outsider.id };
    const created: ResultOf<'group_create'> = await clients.admin.rpc.request({
      t: 'group_create',
      name: `${prefix} club`,
      members: [ids.member, ids.removed],
    });
    const group = created.conversation.conversation;
    await clients.admin.send({ conversation: group }, 'before the removal');
    const { seq: removedAt } = await clients.admin.rpc.request({ t: 'group_remove', conversation: group, user: ids.removed });
    await clients.admin.send({ conversation: group }, 'after the removal');
    await clients.admin.rpc.request({ t: 'group_rename', conversation: group, name: `${prefix} renamed after the removal` });
    const { conversation: direct } = await clients.admin.send({ to: ids.member }, 'just us');
    const rpc = await actorConnection(server, actor, clients);
    if (!Object.values(clients).some((c) => c.rpc === rpc)) extra.push(rpc);
    const { sessions } = await clients.member.rpc.request({ t: 'sessions' });
    const memberSession = sessions.find((session) => session.current)!.id;
    return { prefix, ids, clients, group, direct, removedAt, memberToken: memberSignup.resume!, memberSession, rpc, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function actorConnection(server: TestServer, actor: Actor, clients: Record<Person, ChatTestClient>): Promise<RpcConnection> {
  switch (actor) {
    case 'coordinator':
      return new RpcConnection(await connectTcp({ host: '127.0.0.1', port: server.listening.coordinatorPort }));
    case 'noHello':
      return new RpcConnection(await connectTcp({ host: '127.0.0.1', port: server.listening.ports[0]! }));
    case 'anonymous':
      return (await ChatTestClient.connectToPort(server.listening.ports[0]!)).rpc;
    default:
      return clients[actor].rpc;
  }
}

/**
 * Everything of the world's users that a request could change, read from the database: accounts
 * and keys, their conversations with names and last seqs, memberships with cursors, every row of
 * those conversations, and resume tokens. Equal before and after a refused request, or it changed
 * something.
 */
export async function snapshot(server: TestServer, world: World): Promise<string> {
  const params = [`${world.prefix}%`];
  const users = 'SELECT id FROM users WHERE lower(name) LIKE $1';
  const conversations = `SELECT conversation_id FROM members WHERE user_id IN (${users})`;
  const queries = [
    `SELECT id, name, encode(public_key, 'hex') AS key FROM users WHERE id IN (${users}) ORDER BY id`,
    `SELECT id, kind, name, last_seq FROM conversations WHERE id IN (${conversations}) ORDER BY id`,
    `SELECT * FROM members WHERE conversation_id IN (${conversations}) ORDER BY conversation_id, user_id`,
    `SELECT mid, conversation_id, seq, kind, encode(body, 'hex') AS body FROM messages WHERE conversation_id IN (${conversations}) ORDER BY mid`,
    `SELECT id, user_id FROM resume_tokens WHERE user_id IN (${users}) ORDER BY id`,
  ];
  const results = [];
  for (const sql of queries) results.push((await server.database.query(sql, params)).rows);
  return JSON.stringify(results, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}
