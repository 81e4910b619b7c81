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

  it('carries a NOTIFY to every listener on its channel on a PostgreSQL server; the embedded database has no listeners', async () => {
    const channel = `fastchat_contract_${randomUUID().replaceAll('-', '')}`;
    if (f.kind === 'embedded') {
      expect(f.store.listen).toBeUndefined();
      await f.store.notify(channel, 'nobody hears this');
      return;
    }
    const heard: string[] = [];
    let arrived!: () => void;
    const both = new Promise<void>((resolve) => (arrived = resolve));
    const stop = await f.store.listen!(
      channel,
      (payload) => heard.push(payload) === 2 && arrived(),
      () => undefined,
    );
    try {
      // Values that would break a statement built as text go through as they are.
      await f.store.notify(channel, "it's; DROP TABLE users; --");
      await f.store.notify(channel, 'ü'.repeat(10));
      await both;
      expect(heard).toEqual(["it's; DROP TABLE users; --", 'ü'.repeat(10)]);
    } finally {
      await stop();
    }
  });
}
