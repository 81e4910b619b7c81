import { describe, expect, it } from 'vitest';
import { DeliveredCursors } from '../../../src/server/delivery/delivered-cursors.js';
import type { ChatStore, DeliveredMark } from '../../../src/store/chat-store.js';
import { silentLogger } from '../../../src/util/logger.js';

/** A store that records each advanceDelivered statement, and fails while `down`. */
function recordingStore() {
  const statements: DeliveredMark[][] = [];
  const state = { down: false };
  const store = {
    advanceDelivered: async (marks: readonly DeliveredMark[]) => {
      if (state.down) throw new Error('database away');
      statements.push([...marks]);
    },
  } as unknown as ChatStore;
  return { store, statements, state };
}

describe('DeliveredCursors', () => {
  it('writes the marks of one turn in one statement, keeping the highest per user and conversation', async () => {
    const { store, statements } = recordingStore();
    const cursors = new DeliveredCursors(store, silentLogger);
    for (let seq = 1; seq <= 300; seq++) cursors.mark(7, 1, seq);
    cursors.mark(8, 1, 5);
    cursors.mark(7, 2, 9);
    cursors.mark(7, 1, 3); // lower than what is pending: kept at 300
    await cursors.flushed();
    expect(statements).toEqual([
      [
        { userId: 7, conversationId: 1, delivered: 300 },
        { userId: 8, conversationId: 1, delivered: 5 },
        { userId: 7, conversationId: 2, delivered: 9 },
      ],
    ]);
    expect(cursors.pending).toBe(0);
  });

  it('marks made while a statement is written go in the next one', async () => {
    const { store, statements } = recordingStore();
    const cursors = new DeliveredCursors(store, silentLogger);
    cursors.mark(1, 1, 1);
    const first = cursors.flushed();
    cursors.mark(1, 1, 2);
    await first;
    await cursors.flushed();
    expect(statements.flat().map((m) => m.delivered)).toEqual([1, 2]);
  });

  it('a failed write keeps its marks and they are written once the database is back', async () => {
    const { store, statements, state } = recordingStore();
    const cursors = new DeliveredCursors(store, silentLogger);
    state.down = true;
    cursors.mark(1, 1, 4);
    await cursors.flushed(); // tried, failed, kept
    expect(statements).toEqual([]);
    expect(cursors.pending).toBe(1);
    state.down = false;
    cursors.mark(2, 1, 1);
    await cursors.flushed();
    expect(statements.flat()).toEqual([
      { userId: 1, conversationId: 1, delivered: 4 },
      { userId: 2, conversationId: 1, delivered: 1 },
    ]);
    expect(cursors.pending).toBe(0);
  });
});
