import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { OfflineUser, UserId } from '../../../src/store/chat-store.js';
import { NodeNotRegisteredError } from '../../../src/store/errors.js';
import type { Fixture } from './fixture.js';

/** The node timeout of these tests: a node heartbeating in the test stays live, however busy the machine. */
const LIVE = 60_000;
/** How far back a node the test means to be dead is aged (f.clock): ten timeouts. */
const STOPPED = 10 * LIVE;
/** A timeout long enough that a node aged STOPPED still counts. */
const FOREVER = 100 * LIVE;
const mine = (gone: readonly OfflineUser[], ids: readonly UserId[]) => gone.filter((g) => ids.includes(g.userId));

export function presenceContract(f: Fixture): void {
  const node = async (): Promise<string> => {
    const id = randomUUID();
    await f.store.registerNode({ id, host: '127.0.0.1', ports: [8001] });
    return id;
  };

  it('a user is online while they have a row on some node, and each change says whether others still see them', async () => {
    const [a, b] = [await node(), await node()];
    const [u, other] = await f.users(2, 'presence');
    expect(await f.store.onlineAmong([u!.id, other!.id], LIVE)).toEqual(new Set());
    expect(await f.store.markOnline(a, u!.id, LIVE)).toBe(false); // came online
    expect(await f.store.markOnline(a, u!.id, LIVE)).toBe(false); // again on the same node: still nowhere else
    expect(await f.store.markOnline(b, u!.id, LIVE)).toBe(true); // already online on a
    expect(await f.store.onlineAmong([u!.id, other!.id], LIVE)).toEqual(new Set([u!.id]));
    expect(await f.store.markOffline(a, u!.id, LIVE)).toBe(true); // still on b
    expect(await f.store.onlineAmong([u!.id], LIVE)).toEqual(new Set([u!.id]));
    expect(await f.store.markOffline(b, u!.id, LIVE)).toBe(false); // gone everywhere
    expect(await f.store.onlineAmong([u!.id], LIVE)).toEqual(new Set());
    expect(await f.store.onlineAmong([], LIVE)).toEqual(new Set());
    await f.store.removeNode(a);
    await f.store.removeNode(b);
  });

  it('rows on a node whose heartbeat stopped do not count, before it is even reaped', async () => {
    const stale = await node();
    const [u] = await f.users(1, 'presence');
    await f.store.markOnline(stale, u!.id, LIVE);
    await f.clock.ageNode(stale, STOPPED);
    expect(await f.store.onlineAmong([u!.id], FOREVER)).toEqual(new Set([u!.id]));
    expect(await f.store.onlineAmong([u!.id], LIVE)).toEqual(new Set());
    const fresh = await node();
    expect(await f.store.markOnline(fresh, u!.id, LIVE)).toBe(false);
    expect(await f.store.markOffline(fresh, u!.id, LIVE)).toBe(false);
    await f.store.removeNode(stale);
    await f.store.removeNode(fresh);
  });

  it('reaping deletes dead nodes and their rows, and returns once each user then online nowhere, last seen at the heartbeat', async () => {
    const dead = await node();
    const alive = await node();
    const [lonely, twice] = await f.users(2, 'presence');
    await f.store.markOnline(dead, lonely!.id, LIVE);
    await f.store.markOnline(dead, twice!.id, LIVE);
    await f.store.markOnline(alive, twice!.id, LIVE);
    await f.clock.ageNode(dead, STOPPED);
    const beat = (await f.store.liveNodes(FOREVER)).find((n) => n.id === dead)!.heartbeatAt;
    expect(await f.store.heartbeatNode(alive, 0)).toBe(true);

    // Several nodes reap at once: the dead node's users are reported by exactly one of them.
    const reaps = await Promise.all(Array.from({ length: 4 }, () => f.store.reapDeadNodes(LIVE)));
    const reported = reaps.flatMap((gone) => mine(gone, [lonely!.id, twice!.id]));
    expect(reported).toEqual([{ userId: lonely!.id, lastSeen: beat }]);
    expect((await f.store.usersById([lonely!.id]))[0]!.lastSeen).toEqual(beat);
    expect((await f.store.usersById([twice!.id]))[0]!.lastSeen).toBeNull();

    expect((await f.store.liveNodes(LIVE)).map((n) => n.id)).not.toContain(dead);
    expect(await f.store.onlineAmong([lonely!.id, twice!.id], LIVE)).toEqual(new Set([twice!.id]));
    // The reaped node learns it was reaped at its next heartbeat, and can record nothing until it registers again.
    expect(await f.store.heartbeatNode(dead, 0)).toBe(false);
    await expect(f.store.markOnline(dead, lonely!.id, LIVE)).rejects.toBeInstanceOf(NodeNotRegisteredError);
    await f.store.registerNode({ id: dead, host: '127.0.0.1', ports: [8001] });
    expect(await f.store.markOnline(dead, lonely!.id, LIVE)).toBe(false);
    await f.store.removeNode(dead);
    await f.store.removeNode(alive);
  });

  it('removing a node clears its rows and returns the users then online nowhere, last seen now', async () => {
    const leaving = await node();
    const staying = await node();
    const [lonely, twice] = await f.users(2, 'presence');
    await f.store.markOnline(leaving, lonely!.id, LIVE);
    await f.store.markOnline(leaving, twice!.id, LIVE);
    await f.store.markOnline(staying, twice!.id, LIVE);
    const before = Date.now();
    const gone = await f.store.removeNode(leaving, LIVE);
    expect(gone.map((g) => g.userId)).toEqual([lonely!.id]);
    expect(gone[0]!.lastSeen.getTime()).toBeGreaterThan(before - 60_000);
    expect((await f.store.usersById([lonely!.id]))[0]!.lastSeen).toEqual(gone[0]!.lastSeen);
    expect(await f.store.onlineAmong([lonely!.id, twice!.id], LIVE)).toEqual(new Set([twice!.id]));
    expect(await f.store.removeNode(leaving, LIVE)).toEqual([]);
    expect((await f.store.removeNode(staying)).map((g) => g.userId)).toEqual([twice!.id]);
  });

  it('of two nodes changing a user at the same moment, exactly one sees them come online and one go offline', async () => {
    const [a, b] = [await node(), await node()];
    const users = await f.users(10, 'presence');
    const online = await Promise.all(users.map((u) => Promise.all([f.store.markOnline(a, u.id, LIVE), f.store.markOnline(b, u.id, LIVE)])));
    for (const pair of online) expect(pair.filter((elsewhere) => !elsewhere)).toHaveLength(1);
    const offline = await Promise.all(
      users.map((u) => Promise.all([f.store.markOffline(a, u.id, LIVE), f.store.markOffline(b, u.id, LIVE)])),
    );
    for (const pair of offline) expect(pair.filter((still) => !still)).toHaveLength(1);
    await f.store.removeNode(a);
    await f.store.removeNode(b);
  });
}
