import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { REQUEST_SCHEMAS, type ErrorCode, type RequestType, type ResultOf } from '../../src/protocol/index.js';
import type { RequestBody } from '../../src/client/rpc-connection.js';
import { secretFor } from '../support/chat-client.js';
import { describeEachServer } from '../support/start-server.js';
import { ACTORS, buildWorld, snapshot, type Actor, type World } from './authorization/world.js';

/** A key the server accepts (an RSA key of 2048+ bits, SPKI DER: issue 17, finding 9). */
const A_NEW_PUBLIC_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' });

/**
 * Who may do what (issue 10, point 4): every request type × every kind of sender, on a real server.
 * The table is the specification (docs/protocol.md § Session, § Errors and each request's section);
 * a request type added to the catalog without a row is a compile error here and a failed test below.
 *
 * Columns, for a group made by `admin` with `member`, and `removed`, who was a member until the admin
 * removed them:
 *   coordinator  a connection to the coordinator port (which never asks for hello)
 *   noHello      a node-port connection that has not sent hello
 *   anonymous    a node-port session after hello, not logged in
 *   outsider     a logged-in user who was never in the group
 *   member, admin, removed
 * A cell is `ok` or the error code of the refusal. Requests about a conversation target the group;
 * requests about a user target someone else in it (see REQUESTS).
 */
type Outcome = 'ok' | ErrorCode;
type Row = Readonly<Record<Actor, Outcome>>;

/** One Outcome per actor, in ACTORS order (a mapped tuple: the count is checked by the compiler). */
type Cells<T extends readonly unknown[]> = { -readonly [K in keyof T]: Outcome };

function row(...cells: Cells<typeof ACTORS>): Row {
  return Object.fromEntries(ACTORS.map((actor, i) => [actor, cells[i]])) as Row;
}

//                                  coordinator    noHello           anonymous          outsider             member               admin                removed
const MATRIX: { readonly [T in RequestType]: Row } = {
  hello: row('ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
  ping: row('ok', 'hello_required', 'ok', 'ok', 'ok', 'ok', 'ok'),
  route: row('ok', 'wrong_port', 'wrong_port', 'wrong_port', 'wrong_port', 'wrong_port', 'wrong_port'),
  signup: row('wrong_port', 'hello_required', 'ok', 'already_logged_in', 'already_logged_in', 'already_logged_in', 'already_logged_in'),
  login: row('wrong_port', 'hello_required', 'ok', 'already_logged_in', 'already_logged_in', 'already_logged_in', 'already_logged_in'),
  resume: row('wrong_port', 'hello_required', 'ok', 'already_logged_in', 'already_logged_in', 'already_logged_in', 'already_logged_in'),
  logout: row('wrong_port', 'hello_required', 'not_logged_in', 'ok', 'ok', 'ok', 'ok'),
  publish_keys: row('wrong_port', 'hello_required', 'not_logged_in', 'ok', 'ok', 'ok', 'ok'),
  sessions: row('wrong_port', 'hello_required', 'not_logged_in', 'ok', 'ok', 'ok', 'ok'),
  // Aimed at the member's own session: nobody else has a session by that id, and the member ends it with logout.
  end_session: row('wrong_port', 'hello_required', 'not_logged_in', 'not_found', 'conflict', 'not_found', 'not_found'),
  change_password: row('wrong_port', 'hello_required', 'not_logged_in', 'ok', 'ok', 'ok', 'ok'),
  block: row('wrong_port', 'hello_required', 'not_logged_in', 'ok', 'ok', 'ok', 'ok'),
  unblock: row('wrong_port', 'hello_required', 'not_logged_in', 'ok', 'ok', 'ok', 'ok'),
  blocks: row('wrong_port', 'hello_required', 'not_logged_in', 'ok', 'ok', 'ok', 'ok'),
  users: row('wrong_port', 'hello_required', 'not_logged_in', 'ok', 'ok', 'ok', 'ok'),
  conversations: row('wrong_port', 'hello_required', 'not_logged_in', 'ok', 'ok', 'ok', 'ok'),
  open_direct: row('wrong_port', 'hello_required', 'not_logged_in', 'ok', 'ok', 'ok', 'ok'),
  sync: row('wrong_port', 'hello_required', 'not_logged_in', 'ok', 'ok', 'ok', 'ok'),
  send: row('wrong_port', 'hello_required', 'not_logged_in', 'forbidden', 'ok', 'ok', 'forbidden'),
  // A removed member may still move their cursors up to their removal; a stranger learns nothing.
  receipt: row('wrong_port', 'hello_required', 'not_logged_in', 'not_found', 'ok', 'ok', 'ok'),
  // A removed member reads up to their removal (protocol.md § Delivery, membership windows).
  history: row('wrong_port', 'hello_required', 'not_logged_in', 'forbidden', 'ok', 'ok', 'ok'),
  typing: row('wrong_port', 'hello_required', 'not_logged_in', 'forbidden', 'ok', 'ok', 'forbidden'),
  group_create: row('wrong_port', 'hello_required', 'not_logged_in', 'ok', 'ok', 'ok', 'ok'),
  group_add: row('wrong_port', 'hello_required', 'not_logged_in', 'forbidden', 'forbidden', 'ok', 'forbidden'),
  group_remove: row('wrong_port', 'hello_required', 'not_logged_in', 'forbidden', 'forbidden', 'ok', 'forbidden'),
  group_leave: row('wrong_port', 'hello_required', 'not_logged_in', 'forbidden', 'ok', 'ok', 'forbidden'),
  group_rename: row('wrong_port', 'hello_required', 'not_logged_in', 'forbidden', 'forbidden', 'ok', 'forbidden'),
};

/**
 * The same requests aimed at the direct conversation of `admin` and `member` instead of the group:
 * its two users are equals, nobody else (`outsider`, and `removed`, who was only ever in the group)
 * may touch it, and its membership never changes (`conflict` for its own users). The sessions that
 * are not logged in get the answers of MATRIX whatever the conversation, so they are not repeated.
 */
type ConversationRequest = 'send' | 'receipt' | 'history' | 'typing' | 'group_add' | 'group_remove' | 'group_leave' | 'group_rename';
type Person = Exclude<Actor, 'coordinator' | 'noHello' | 'anonymous'>;
const PEOPLE = ['outsider', 'member', 'admin', 'removed'] as const satisfies readonly Person[];

//                                                                 outsider      member        admin         removed
const DIRECT_MATRIX: { readonly [T in ConversationRequest]: Readonly<Record<Person, Outcome>> } = {
  send: { outsider: 'forbidden', member: 'ok', admin: 'ok', removed: 'forbidden' },
  receipt: { outsider: 'not_found', member: 'ok', admin: 'ok', removed: 'not_found' },
  history: { outsider: 'forbidden', member: 'ok', admin: 'ok', removed: 'forbidden' },
  typing: { outsider: 'forbidden', member: 'ok', admin: 'ok', removed: 'forbidden' },
  group_add: { outsider: 'forbidden', member: 'conflict', admin: 'conflict', removed: 'forbidden' },
  group_remove: { outsider: 'forbidden', member: 'conflict', admin: 'conflict', removed: 'forbidden' },
  group_leave: { outsider: 'forbidden', member: 'conflict', admin: 'conflict', removed: 'forbidden' },
  group_rename: { outsider: 'forbidden', member: 'conflict', admin: 'conflict', removed: 'forbidden' },
};

type AnyRequest = RequestBody<RequestType> & { t: RequestType };

/** REQUESTS' request of `type`, aimed at the direct conversation (group_remove names its other user). */
const atDirect =
  (type: ConversationRequest) =>
  (w: World, actor: Actor): AnyRequest => {
    const request = { ...REQUESTS[type](w, actor), conversation: w.direct };
    return (type === 'group_remove' ? { ...request, user: other(w, actor) } : request) as AnyRequest;
  };

/** The user a request about "someone else" names: the member, or (for the member) the admin. */
const other = (w: World, actor: Actor) => (actor === 'member' ? w.ids.admin : w.ids.member);

/** Realistic valid fields for each request, aimed at the world's group or at another of its users. */
const REQUESTS: { readonly [T in RequestType]: (w: World, actor: Actor) => RequestBody<T> & { t: T } } = {
  hello: () => ({ t: 'hello', versions: [1] }),
  ping: () => ({ t: 'ping' }),
  route: () => ({ t: 'route' }),
  signup: (w) => ({ t: 'signup', name: `${w.prefix}new`, secret: secretFor(`${w.prefix}new`) }),
  login: (w) => ({ t: 'login', name: `${w.prefix}member`, secret: secretFor(`${w.prefix}member`) }),
  resume: (w) => ({ t: 'resume', token: w.memberToken }),
  logout: () => ({ t: 'logout' }),
  publish_keys: (w, actor) => ({ t: 'publish_keys', secret: secretFor(`${w.prefix}${actor}`), publicKey: A_NEW_PUBLIC_KEY }),
  sessions: () => ({ t: 'sessions' }),
  end_session: (w) => ({ t: 'end_session', session: w.memberSession }),
  change_password: (w, actor) => ({
    t: 'change_password',
    secret: secretFor(`${w.prefix}${actor}`),
    newSecret: secretFor(`${w.prefix}${actor}-new`),
  }),
  block: (w, actor) => ({ t: 'block', user: other(w, actor) }),
  unblock: (w, actor) => ({ t: 'unblock', user: other(w, actor) }),
  blocks: () => ({ t: 'blocks' }),
  users: (w, actor) => ({ t: 'users', ids: [other(w, actor)] }),
  conversations: () => ({ t: 'conversations' }),
  open_direct: (w, actor) => ({ t: 'open_direct', user: other(w, actor) }),
  sync: () => ({ t: 'sync' }),
  send: (w) => ({ t: 'send', conversation: w.group, cid: `${w.prefix}-cid`, body: Buffer.from('ciphertext') }),
  receipt: (w) => ({ t: 'receipt', conversation: w.group, read: 99 }),
  history: (w) => ({ t: 'history', conversation: w.group }),
  typing: (w) => ({ t: 'typing', conversation: w.group }),
  group_create: (w, actor) => ({ t: 'group_create', name: 'another group', members: [other(w, actor)] }),
  group_add: (w) => ({ t: 'group_add', conversation: w.group, user: w.ids.outsider }),
  group_remove: (w) => ({ t: 'group_remove', conversation: w.group, user: w.ids.member }),
  group_leave: (w) => ({ t: 'group_leave', conversation: w.group }),
  group_rename: (w) => ({ t: 'group_rename', conversation: w.group, name: 'taken over' }),
};

/** What an allowed reply must (not) show, where being allowed is not the whole rule. */
const CHECKS: { readonly [T in RequestType]?: Partial<Record<Actor, (result: ResultOf<T>, w: World) => void>> } = {
  history: {
    // Of the group: up to the removal, never after.
    removed: ({ messages }, w) => {
      expect(messages.length).toBeGreaterThan(0);
      expect(messages.every((m) => m.seq <= w.removedAt)).toBe(true);
    },
  },
  conversations: {
    outsider: ({ conversations }, w) => expect(conversations.map((c) => c.conversation)).not.toContain(w.group),
    // Once removed, who is in the group and what it is called now are none of their business.
    removed: ({ conversations }, w) => {
      const view = conversations.find((c) => c.conversation === w.group);
      expect(view).toMatchObject({ leftSeq: w.removedAt, lastSeq: w.removedAt, members: [], name: `${w.prefix} club` });
      expect(conversations.map((c) => c.conversation)).not.toContain(w.direct);
    },
  },
  blocks: {
    // Nobody blocked anyone in the world: the list is the actor's own, and empty.
    member: ({ users }) => expect(users).toEqual([]),
  },
  sessions: {
    // Their own sessions only: the member's one, marked current, and nobody else's.
    member: ({ sessions }, w) => expect(sessions).toEqual([expect.objectContaining({ id: w.memberSession, current: true })]),
    outsider: ({ sessions }, w) => expect(sessions.map((s) => s.id)).not.toContain(w.memberSession),
  },
  sync: {
    removed: ({ conversations }, w) => {
      expect(conversations.find((c) => c.conversation === w.group)).toMatchObject({ lastSeq: w.removedAt, members: [] });
    },
  },
  receipt: {
    removed: (cursors, w) => expect(cursors.readSeq).toBe(w.removedAt),
  },
};

const TYPES = Object.keys(REQUEST_SCHEMAS) as RequestType[];

describe('authorization matrix', () => {
  it('has a row for every request type of the catalog, and requests for each', () => {
    expect(Object.keys(MATRIX).sort()).toEqual([...TYPES].sort());
    expect(Object.keys(REQUESTS).sort()).toEqual([...TYPES].sort());
  });
});

describeEachServer('authorization matrix', (start) => {
  let server: Awaited<ReturnType<typeof start>>;

  // One server per table (a start per row would cost more than the cells); each cell
  // still gets a world of its own, and the cells of a row run at once.
  it('gives each sender the outcome in its cell, and a refusal changes nothing', async () => {
    server = await start();
    const failures: string[] = [];
    for (const type of TYPES) {
      const row = await Promise.all(ACTORS.map((actor) => runCell(type, actor)));
      failures.push(...row.filter((f) => f !== undefined));
    }
    expect(failures).toEqual([]);
  }, 240_000);

  it('gives each user the outcome in its cell for the direct conversation, and a refusal changes nothing', async () => {
    server = await start();
    const failures: string[] = [];
    for (const type of Object.keys(DIRECT_MATRIX) as ConversationRequest[]) {
      const row = await Promise.all(PEOPLE.map((actor) => runCell(type, actor, DIRECT_MATRIX[type][actor], atDirect(type))));
      failures.push(...row.filter((f) => f !== undefined).map((f) => `direct: ${f}`));
    }
    expect(failures).toEqual([]);
  }, 120_000);

  async function runCell(
    type: RequestType,
    actor: Actor,
    expected: Outcome = MATRIX[type][actor],
    request = REQUESTS[type] as (w: World, a: Actor) => AnyRequest,
  ): Promise<string | undefined> {
    const world = await buildWorld(server, actor);
    try {
      const before = await snapshot(server, world);
      const outcome = await world.rpc.request(request(world, actor)).then(
        (result) => ({ code: 'ok' as const, result, message: '' }),
        (error: { code?: string; message?: string }) => ({
          code: error.code ?? `no code (${error.message ?? ''})`,
          result: undefined,
          message: error.message ?? '',
        }),
      );
      if (outcome.code !== expected) return `${type} by ${actor}: expected ${expected}, got ${outcome.code}`;
      // A refusal names users and groups by name, never by the ids only the server uses.
      if (/\b(user|conversation|group|id) #?\d+/.test(outcome.message)) return `${type} by ${actor}: "${outcome.message}" names an id`;
      // Someone who was in the group is told which one; anyone else learns nothing of it.
      if (expected === 'forbidden' && request === REQUESTS[type] && (actor === 'removed' || actor === 'outsider')) {
        const named = outcome.message.includes(`#${world.prefix} club`);
        if (named !== (actor === 'removed'))
          return `${type} by ${actor}: "${outcome.message}" ${named ? 'names' : 'does not name'} the group`;
      }
      if (expected === 'ok') {
        // CHECKS are about the group: a request aimed elsewhere is judged by its outcome alone.
        const check = (request === REQUESTS[type] ? CHECKS[type]?.[actor] : undefined) as ((result: unknown, w: World) => void) | undefined;
        try {
          check?.(outcome.result, world);
        } catch (error) {
          return `${type} by ${actor}: allowed, but ${(error as Error).message}`;
        }
        return undefined;
      }
      const after = await snapshot(server, world);
      return after === before ? undefined : `${type} by ${actor}: refused with ${expected} but changed the database`;
    } finally {
      await world.close();
    }
  }
});
