import { describe, expect, it } from 'vitest';
import { NodeLiveness } from '../../../src/server/cluster/node-liveness.js';
import type { ChatStore } from '../../../src/store/chat-store.js';
import { silentLogger } from '../../../src/util/logger.js';

/** A store whose listening nodes are whatever the test last set (or a failure). */
function storeListening(): { store: ChatStore; set(ids: string[] | Error): void } {
  let next: string[] | Error = [];
  const store = {
    listeningNodes: () => (next instanceof Error ? Promise.reject(next) : Promise.resolve(new Set(next))),
  } as unknown as ChatStore;
  return { store, set: (ids) => (next = ids) };
}

describe('NodeLiveness', () => {
  it('routes to every node until a check says otherwise, then only to the listening ones', async () => {
    const { store, set } = storeListening();
    const liveness = new NodeLiveness(
      store,
      silentLogger,
      () => true,
      () => undefined,
    );
    expect(liveness.mayRoute('b')).toBe(true);
    set(['a', 'b']);
    await liveness.check();
    expect(liveness.mayRoute('b')).toBe(true);
    set(['a']);
    await liveness.check();
    expect(liveness.mayRoute('b')).toBe(false);
    expect(liveness.mayRoute('a')).toBe(true);
  });

  it('reports the nodes that stopped listening since the last check, once', async () => {
    const { store, set } = storeListening();
    const reports: string[][] = [];
    const liveness = new NodeLiveness(
      store,
      silentLogger,
      () => true,
      (ids) => reports.push([...ids]),
    );
    set(['a', 'b', 'c']);
    await liveness.check();
    set(['a']);
    await liveness.check();
    await liveness.check();
    set(['a', 'd']);
    await liveness.check();
    expect(reports).toEqual([['b', 'c']]);
  });

  it('a failed check, or one not wanted (no other node), falls back to heartbeats alone: every node may be routed to', async () => {
    const { store, set } = storeListening();
    let wanted = true;
    const liveness = new NodeLiveness(
      store,
      silentLogger,
      () => wanted,
      () => undefined,
    );
    set(['a']);
    await liveness.check();
    expect(liveness.mayRoute('b')).toBe(false);
    set(new Error('the database is restarting'));
    await liveness.check();
    expect(liveness.mayRoute('b')).toBe(true);
    set(['a']);
    await liveness.check();
    wanted = false;
    await liveness.check();
    expect(liveness.mayRoute('b')).toBe(true);
  });
});
