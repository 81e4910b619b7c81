import type { KeyObject } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { GENERATED_KEYS } from '../../src/client/account.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A folder the run's pre-made account keys appear in (key-pool.ts). */
    accountKeyPool: string;
  }
}

/** How many key pairs of each kind the run makes for its test clients (key-pool.ts). */
export const KEY_POOL_SIZE = 64;

/**
 * vitest globalSetup: makes KEY_POOL_SIZE identity and legacy key pairs for the whole run, by the
 * client's own generator, in a temporary folder removed at the end. A signup otherwise spends about
 * a second of CPU on two RSA generations, in every test that signs up a user. The keys are made while
 * the first tests run, not before: each appears as a file once made (`identity-7.pem`), written under
 * a temporary name and renamed, so a reader sees a whole key or none. Both projects share the folder
 * (made by the first, removed by the last).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const shared = globalThis as { fastchatKeyPool?: { folder: string; made: Promise<void>; stop: AbortController; users: number } };
  if (!shared.fastchatKeyPool) {
    const folder = await mkdtemp(join(tmpdir(), 'fastchat-key-pool-'));
    const stop = new AbortController();
    shared.fastchatKeyPool = { folder, made: makePool(folder, stop.signal), stop, users: 0 };
  }
  const entry = shared.fastchatKeyPool;
  entry.users++;
  project.provide('accountKeyPool', entry.folder);
  return async () => {
    if (--entry.users > 0) return;
    shared.fastchatKeyPool = undefined;
    entry.stop.abort(); // a short run does not wait for keys it no longer needs
    await entry.made;
    await rm(entry.folder, { recursive: true, force: true });
  };
}

async function makePool(folder: string, stop: AbortSignal): Promise<void> {
  const started = Date.now();
  const save = async (kind: string, index: number, make: () => Promise<KeyObject>) => {
    const file = join(folder, `${kind}-${index}.pem`);
    await writeFile(`${file}.part`, (await make()).export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    await rename(`${file}.part`, file);
  };
  // One of each kind at a time: the tests that start meanwhile need the CPU too.
  for (let index = 0; index < KEY_POOL_SIZE && !stop.aborted; index++) {
    await Promise.all([save('identity', index, GENERATED_KEYS.identityKey), save('legacy', index, GENERATED_KEYS.legacyKey)]);
  }
  if (!stop.aborted)
    console.log(`${KEY_POOL_SIZE} identity and legacy key pairs for test clients made in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
