import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inject } from 'vitest';
import { GENERATED_KEYS, type AccountKeySource } from '../../src/client/account.js';

/**
 * The account keys test clients sign up with: the real keys global-keys.ts makes for the run, each
 * handed out at most once in this process, and a freshly generated one whenever the next is not made
 * yet or the pool is spent. Two processes may hand out the same key, but each runs its own servers
 * and databases.
 */
export const testAccountKeys: AccountKeySource = {
  identityKey: () => take('identity', GENERATED_KEYS.identityKey),
  legacyKey: () => take('legacy', GENERATED_KEYS.legacyKey),
};

const next = { identity: 0, legacy: 0 };

async function take(kind: keyof typeof next, generate: () => Promise<KeyObject>): Promise<KeyObject> {
  const file = join(inject('accountKeyPool'), `${kind}-${next[kind]++}.pem`);
  let pem: Buffer;
  try {
    pem = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return generate();
    throw error;
  }
  return createPrivateKey(pem);
}
