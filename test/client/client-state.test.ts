import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientState } from '../../src/client/client-state.js';
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
