import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Fixture } from './fixture.js';

export function nodesContract(f: Fixture): void {
  it('registers a node, records its heartbeats, lists it while live and forgets it when removed', async () => {
    const id = randomUUID();
    await f.store.registerNode({ id, host: '10.1.2.3', ports: [8001, 8002] });
    await f.store.heartbeatNode(id, 42);
    const live = (await f.store.liveNodes(60_000)).find((n) => n.id === id);
    expect(live).toEqual({ id, host: '10.1.2.3', ports: [8001, 8002], connections: 42, heartbeatAt: expect.any(Date) });
    // Registering again (a restart with the same id) updates where it is.
    await f.store.registerNode({ id, host: '10.1.2.4', ports: [9001] });
    expect((await f.store.liveNodes(60_000)).find((n) => n.id === id)).toMatchObject({ host: '10.1.2.4', ports: [9001] });
    await f.store.removeNode(id);
    expect((await f.store.liveNodes(60_000)).map((n) => n.id)).not.toContain(id);
  });

  it('a node whose heartbeat is older than the timeout is not live', async () => {
    const id = randomUUID();
    await f.store.registerNode({ id, host: '127.0.0.1', ports: [8001] });
    await f.clock.ageNode(id, 600_000);
    expect((await f.store.liveNodes(60_000)).map((n) => n.id)).not.toContain(id);
    expect((await f.store.liveNodes(6_000_000)).map((n) => n.id)).toContain(id);
    await f.store.heartbeatNode(id, 1);
    expect((await f.store.liveNodes(60_000)).map((n) => n.id)).toContain(id);
    await f.store.removeNode(id);
  });
}
