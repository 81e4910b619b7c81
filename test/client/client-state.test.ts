import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientState, MAX_SESSION_MARKS } from '../../src/client/client-state.js';
import { LocalStore } from '../../src/client/local-store.js';

const homes: string[] = [];
afterEach(async () => {
  await Promise.all(homes.splice(0).map((home) => rm(home, { recursive: true, force: true })));
});

async function stateIn(): Promise<{ state: ClientState; store: LocalStore; reload: () => Promise<ClientState> }> {
  const home = await mkdtemp(join(tmpdir(), 'fastchat-state-'));
  homes.push(home);
  const store = new LocalStore(home, 'dora');
  const key = randomBytes(32);
  return { state: await ClientState.load(store, key, 7), store, reload: () => ClientState.load(store, key, 7) };
}

describe('ClientState after close (found by chaos: a closed client wrote its state file later)', () => {
  it('close writes what changed; a change after it is never written, not even by an explicit flush', async () => {
    const { state, reload } = await stateIn();
    state.advance(3, 10);
    await state.close();
    expect((await reload()).cursor(3)).toBe(10);
    state.advance(3, 20);
    await state.flush();
    // Another process of the user may own the file by now: the closed one leaves it as it was.
    expect((await reload()).cursor(3)).toBe(10);
  });

  it('a closed state does not make its folder again once it is removed', async () => {
    const { state, store } = await stateIn();
    state.advance(3, 10);
    await state.close();
    await rm(store.dir, { recursive: true });
    state.advance(3, 11);
    await state.flush();
    await expect(stat(store.dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('session marks (replay-guard.ts)', () => {
  it('are kept across a restart, at most MAX_SESSION_MARKS of them, the least recently set dropped first', async () => {
    const { state, reload } = await stateIn();
    for (let i = 0; i < MAX_SESSION_MARKS; i++) state.setSessionMark(`1:2:${i}`, { index: i, seq: i + 1 });
    state.setSessionMark('1:2:0', { index: 5, seq: 99 }); // set again: now the newest
    state.setSessionMark('1:2:new', { index: 0, seq: 100 });
    await state.close();
    const again = await reload();
    expect(again.sessionMark('1:2:0')).toEqual({ index: 5, seq: 99 });
    expect(again.sessionMark('1:2:1')).toBeUndefined();
    expect(again.sessionMark('1:2:2')).toEqual({ index: 2, seq: 3 });
    expect(again.sessionMark('1:2:new')).toEqual({ index: 0, seq: 100 });
  });
});
