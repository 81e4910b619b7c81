import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { ChatClient } from '../../src/client/chat-client.js';
import type { ChatMessage } from '../../src/client/message-reader.js';
import { describePostgres } from '../support/databases.js';
import { freePorts, startServerBin, type RunningBin } from '../support/run-bin.js';
import { testAccountKeys } from '../support/key-pool.js';

/** Users, opened one after the other through node A's coordinator: least-loaded routing puts two on each node. */
const USERS = ['ann', 'ben', 'cat', 'dan', 'eve', 'fay'];
/** Each user sends one message every this many ms (alternating a DM to the next user and the group). */
const SEND_EVERY_MS = 60;
/** The promise of the feature: a client of a dead node is back (on another node) within this long. */
const RECONNECT_WITHIN_MS = 5000;
/**
 * Only so that a broken run fails rather than hangs: every wait below ends on the event it waits for,
 * however long a loaded machine takes to get there.
 */
const GIVE_UP_MS = 120_000;

interface Node {
  readonly name: 'A' | 'B' | 'C';
  readonly port: number;
  readonly coordinator: number;
  readonly server: RunningBin;
}

interface User {
  readonly name: string;
  readonly client: ChatClient;
  readonly received: ChatMessage[];
  /** The node the client first landed on. */
  readonly node: Node;
  readonly statuses: Array<{ at: number; state: string; port?: number; reason?: string }>;
}

interface Sent {
  readonly text: string;
  cid?: string;
  receipt?: { conversation: number; seq: number };
  readonly from: string;
  /** Every member but the sender. */
  readonly to: readonly string[];
  acked: boolean;
  /** Acknowledged before node B was killed. */
  ackedBeforeKill: boolean;
}

describePostgres('cluster failover', (postgres) => {
  const servers: RunningBin[] = [];
  const clients: ChatClient[] = [];
  const homes: string[] = [];
  let admin: pg.Client | undefined;
  // Registered after describePostgres's own cleanup, so it runs first: clients and processes go
  // before the database is dropped.
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await Promise.all(servers.splice(0).map((s) => s.stop('SIGKILL')));
    await admin?.end().catch(() => undefined);
    admin = undefined;
    await Promise.all(homes.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('three processes on one PostgreSQL under load: node B is SIGKILLed, its clients are back on A or C within 5 s, every message arrives once', async () => {
    const url = await postgres.databaseWithSchema();
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const db = admin;

    // Three real fastchat-server processes, one node port each, sharing the database.
    const ports = await freePorts(6);
    const nodes: Node[] = await Promise.all(
      (['A', 'B', 'C'] as const).map(async (name, i) => {
        const port = ports[2 * i]!;
        const coordinator = ports[2 * i + 1]!;
        // No login deadline: on a loaded machine a signup's key work can outlast it, and this test is not about it.
        const server = await startServerBin([
          '--plaintext',
          '--db',
          url,
          '--host',
          '127.0.0.1',
          '--ports',
          String(port),
          '--coordinator-port',
          String(coordinator),
          '--node-timeout',
          '1',
          '--login-timeout',
          '0',
        ]);
        servers.push(server);
        return { name, port, coordinator, server };
      }),
    );
    const [nodeA, nodeB] = nodes as [Node, Node, Node];
    const nodeOf = (port: number | undefined) => nodes.find((n) => n.port === port);
    /** Connections per node as of each node's last heartbeat (what the coordinators route by). */
    const registered = async () => (await db.query<{ ports: number[]; connections: number }>('SELECT ports, connections FROM nodes')).rows;
    await expect.poll(async () => (await registered()).length, { timeout: GIVE_UP_MS }).toBe(3);
    /** Resolves once node A has heartbeaten twice more: it has re-read the registry since the call. */
    const aBeatsTwice = async () => {
      const beatOfA = async () =>
        (await db.query<{ at: Date }>('SELECT heartbeat_at AS at FROM nodes WHERE $1 = ANY(ports)', [nodeA.port])).rows[0]!.at.getTime();
      for (let beat = 0, since = await beatOfA(); beat < 2; beat++, since = await beatOfA()) {
        await expect.poll(beatOfA, { timeout: GIVE_UP_MS, interval: 20 }).toBeGreaterThan(since);
      }
    };

    // Every user through node A's coordinator, one at a time, each after every node's heartbeat
    // (and so A's view of the load) has caught up with the ones before.
    const users: User[] = [];
    for (const name of USERS) {
      const home = await mkdtemp(join(tmpdir(), 'fastchat-home-'));
      homes.push(home);
      // The default backoff, as users get it: no test-only shortcut in how fast a client comes back.
      const client = await ChatClient.open({
        coordinator: { host: '127.0.0.1', port: nodeA.coordinator },
        home,
        name,
        password: `password of ${name}`,
        mode: 'signup',
        keys: testAccountKeys,
      });
      clients.push(client);
      const received: ChatMessage[] = [];
      const statuses: User['statuses'] = [];
      client.on('message', (m) => received.push(m));
      client.on('status', (s) =>
        statuses.push({
          at: Date.now(),
          state: s.state,
          ...(s.state === 'connected' ? { port: s.node.port } : {}),
          ...(s.state === 'reconnecting' ? { reason: `${s.reason} (then waits ${s.delayMs} ms)` } : {}),
        }),
      );
      await client.start();
      const status = client.status;
      const node = nodeOf(status.state === 'connected' ? status.node.port : undefined);
      if (!node) throw new Error(`${name} is not connected to a node of the test: ${JSON.stringify(status)}`);
      users.push({ name, client, received, node, statuses });
      await expect
        .poll(async () => (await registered()).reduce((sum, n) => sum + n.connections, 0), { timeout: GIVE_UP_MS })
        .toBe(users.length);
      await aBeatsTwice();
    }
    const placement = Object.fromEntries(nodes.map((n) => [n.name, users.filter((u) => u.node === n).map((u) => u.name)]));
    // Least-loaded routing spread the clients of one coordinator over all three processes.
    expect(placement.B!.length, JSON.stringify(placement)).toBeGreaterThan(0);
    expect(placement.C!.length, JSON.stringify(placement)).toBeGreaterThan(0);
    expect(placement.A!.length, JSON.stringify(placement)).toBeGreaterThan(0);
    const onB = users.filter((u) => u.node === nodeB);

    // A group of everyone; every member learns of it, whichever node it is on.
    const [first] = users as [User, ...User[]];
    const { conversation: group } = await first.client.request({
      t: 'group_create',
      name: 'everyone',
      members: users.slice(1).map((u) => u.client.user.id),
    });
    const groupId = group.conversation;
    await expect.poll(() => users.every((u) => u.client.conversations.has(groupId)), { timeout: GIVE_UP_MS }).toBe(true);

    // Typing crosses nodes too: a user on C types in the group, users on A and B see it.
    const typist = users.find((u) => u.node.name === 'C')!;
    const typingSeen = users
      .filter((u) => u.node !== typist.node)
      .map(
        (u) =>
          new Promise<void>((resolve) =>
            u.client.on('typing', (t) => t.user === typist.client.user.id && t.conversation === groupId && resolve()),
          ),
      );
    await typist.client.request({ t: 'typing', conversation: groupId });
    await withTimeout(Promise.all(typingSeen), GIVE_UP_MS, 'typing across nodes');

    // Load: every user sends continuously, alternating a DM to the next user and a group message.
    const sent: Sent[] = [];
    let killedAt: number | undefined;
    let sending = true;
    const loops = users.map(async (user, i) => {
      const next = users[(i + 1) % users.length]!;
      for (let n = 0; sending; n++) {
        const dm = n % 2 === 0;
        const text = `${user.name}#${n}${dm ? ` to ${next.name}` : ' to everyone'}`;
        const record: Sent = {
          text,
          from: user.name,
          to: dm ? [next.name] : users.filter((u) => u !== user).map((u) => u.name),
          acked: false,
          ackedBeforeKill: false,
        };
        sent.push(record);
        const { cid, acked } = await user.client.send(dm ? { user: next.client.user.id } : { conversation: groupId }, text);
        record.cid = cid;
        void acked.then((receipt) => {
          record.acked = true;
          record.ackedBeforeKill = killedAt === undefined;
          record.receipt = { conversation: receipt.conversation, seq: receipt.seq };
        });
        await new Promise((r) => setTimeout(r, SEND_EVERY_MS));
      }
    });

    // Let the load run until messages are crossing nodes, then kill B (not the coordinator's node).
    await expect.poll(() => sent.filter((s) => s.acked).length, { timeout: GIVE_UP_MS }).toBeGreaterThanOrEqual(40);
    killedAt = Date.now();
    expect(await nodeB.server.stop('SIGKILL')).toBeNull();

    // (1) Every client that was on B is connected again, on A or C, within 5 s of the kill.
    const reconnected = await Promise.all(
      onB.map(async (user) => {
        await expect
          .poll(() => user.statuses.find((s) => s.at >= killedAt && s.state === 'connected'), { timeout: GIVE_UP_MS, interval: 20 })
          .toBeDefined();
        const back = user.statuses.find((s) => s.at >= killedAt && s.state === 'connected')!;
        const attempts = user.statuses
          .filter((s) => s.at >= killedAt && s.at <= back.at && s.state === 'reconnecting')
          .map((s) => `+${s.at - killedAt} ms ${s.reason}`);
        return { name: user.name, ms: back.at - killedAt, node: nodeOf(back.port)?.name, attempts };
      }),
    );
    console.log(
      `kill → reconnected:\n${reconnected.map((r) => `  ${r.name} ${r.ms} ms on ${r.node}, after: ${r.attempts.join('; ')}`).join('\n')}`,
    );
    for (const r of reconnected) {
      expect(r.node === 'A' || r.node === 'C', `${r.name} reconnected to ${r.node}`).toBe(true);
      expect(r.ms, `${r.name} reconnected ${r.ms} ms after the kill`).toBeLessThanOrEqual(RECONNECT_WITHIN_MS);
    }

    // Keep the load up until more than 20 messages were acknowledged after the kill, then stop sending
    // and let the outboxes drain.
    await expect.poll(() => sent.filter((s) => s.acked && !s.ackedBeforeKill).length, { timeout: GIVE_UP_MS }).toBeGreaterThan(20);
    sending = false;
    await Promise.all(loops);
    await expect.poll(() => users.every((u) => u.client.outbox.size === 0), { timeout: GIVE_UP_MS }).toBe(true);
    await expect.poll(() => sent.every((s) => s.acked), { timeout: GIVE_UP_MS }).toBe(true);

    // (2) Every acknowledged message reaches each of its recipients exactly once; nothing arrives twice.
    const countsOf = (user: User) => {
      const counts = new Map<string, number>();
      for (const m of user.received)
        if (m.kind === 'message' && m.from !== user.client.user.id)
          counts.set(m.text ?? `<${m.trust}>`, (counts.get(m.text ?? `<${m.trust}>`) ?? 0) + 1);
      return counts;
    };
    const missing = () =>
      sent
        .filter((s) => s.acked)
        .flatMap((s) =>
          s.to.filter((name) => !countsOf(users.find((u) => u.name === name)!).has(s.text)).map((name) => `${s.text} → ${name}`),
        );
    const missingNow = missing();
    console.log(`once every outbox was empty, ${missingNow.length} acknowledged deliveries had not arrived yet`);
    if (missingNow.length > 0) {
      // Recipients catch up on the next message of a conversation, a resync or a reconnect: wait for that.
      await expect
        .poll(() => missing().length, { timeout: GIVE_UP_MS, interval: 100 })
        .toBe(0)
        .catch((error: unknown) => {
          const detail = sent
            .filter((s) => s.acked)
            .flatMap((s) =>
              s.to
                .map((name) => users.find((u) => u.name === name)!)
                .filter((u) => !countsOf(u).has(s.text))
                .map((u) => {
                  const got = u.received.filter((m) => m.conversation === s.receipt?.conversation).map((m) => m.seq);
                  return `${s.text} (conversation ${s.receipt?.conversation} seq ${s.receipt?.seq}, acked ${s.ackedBeforeKill ? 'before' : 'after'} the kill) → ${u.name} (first on ${u.node.name}; has seqs up to ${Math.max(0, ...got)}, ${got.includes(s.receipt?.seq ?? -1) ? 'this seq arrived undecrypted' : 'not this seq'})`;
                }),
            );
          throw new Error(`acknowledged messages missing at recipients:\n${detail.join('\n')}`, { cause: error });
        });
    }
    // A request answered on every connection after the last delivery: anything doubled has arrived by now.
    await Promise.all(users.map((u) => u.client.request({ t: 'ping' })));
    const expected = new Map<string, Set<string>>(users.map((u) => [u.name, new Set()]));
    for (const s of sent) for (const name of s.to) expected.get(name)!.add(s.text);
    for (const user of users) {
      const counts = countsOf(user);
      const twice = [...counts].filter(([, n]) => n > 1).map(([text, n]) => `${text} ×${n}`);
      const unexpected = [...counts.keys()].filter((text) => !expected.get(user.name)!.has(text));
      expect(twice, `${user.name} got messages more than once`).toEqual([]);
      expect(unexpected, `${user.name} got messages not meant for it`).toEqual([]);
      expect(user.received.every((m) => m.trust === 'verified' || m.trust === 'event')).toBe(true);
    }
    const ackedBefore = sent.filter((s) => s.ackedBeforeKill).length;
    console.log(
      `${sent.length} messages sent, ${ackedBefore} acknowledged before the kill, ${sent.length - ackedBefore} after; ${users.reduce((n, u) => n + u.received.length, 0)} deliveries`,
    );
    expect(ackedBefore).toBeGreaterThanOrEqual(40);
    expect(sent.length - ackedBefore).toBeGreaterThan(20);

    // (3) Presence still crosses the surviving nodes: a user on C leaves, a user on A sees it.
    const leaver = users.find((u) => u.node.name === 'C')!;
    const watcher = users.find((u) => u.node === nodeA)!;
    const offline = new Promise<void>((resolve) =>
      watcher.client.on('presence', (p) => p.user === leaver.client.user.id && !p.online && resolve()),
    );
    await leaver.client.close();
    await withTimeout(offline, GIVE_UP_MS, `${watcher.name} to see ${leaver.name} go offline`);
  }, 600_000);
});

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
