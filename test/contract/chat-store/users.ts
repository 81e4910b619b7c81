import { expect, it } from 'vitest';
import { NameTakenError } from '../../../src/store/errors.js';
import { byUser, type Fixture, utf8 } from './fixture.js';

export function usersContract(f: Fixture): void {
  it('a new user is stored as given and found by name in any case, with its credentials', async () => {
    const before = Date.now();
    const user = await f.store.createUser({
      name: 'Ada-Lovelace',
      kind: 'legacy',
      verifier: utf8('verifier'),
      salt: utf8('salt'),
      kdf: 'scrypt:16384:8:1:32',
      publicKey: utf8('PublicKey(7, 65537)'),
      legacyKey: utf8('PublicKey(7, 65537)'),
    });
    expect(user).toEqual({
      id: expect.any(Number),
      name: 'Ada-Lovelace',
      kind: 'legacy',
      publicKey: utf8('PublicKey(7, 65537)'),
      legacyKey: utf8('PublicKey(7, 65537)'),
      keyProof: null,
      createdAt: expect.any(Date),
      lastSeen: null,
    });
    expect(user.createdAt.getTime()).toBeGreaterThan(before - 60_000);

    const found = await f.store.credentialsByName('aDA-lOVELACE');
    expect(found).toEqual({
      user,
      verifier: utf8('verifier'),
      salt: utf8('salt'),
      kdf: 'scrypt:16384:8:1:32',
      keyBackup: null,
    });
  });

  it('keeps the key backup with the credentials, and replaces keys on request', async () => {
    const user = await f.store.createUser({
      name: 'backed-up',
      kind: 'modern',
      verifier: utf8('v'),
      salt: utf8('s'),
      kdf: 'scrypt:16384:8:1:32',
      publicKey: utf8('first key'),
      keyBackup: utf8('sealed first key'),
    });
    expect((await f.store.credentialsByName('BACKED-UP'))?.keyBackup).toEqual(utf8('sealed first key'));
    const updated = await f.store.setKeys(user.id, { publicKey: utf8('second key'), keyBackup: utf8('sealed second key') });
    expect(updated).toEqual({ ...user, publicKey: utf8('second key') });
    expect((await f.store.credentialsByName('backed-up'))?.keyBackup).toEqual(utf8('sealed second key'));
    expect((await f.store.usersById([user.id]))[0]?.publicKey).toEqual(utf8('second key'));
  });

  it('keeps the legacy key unless setKeys names one, and replaces or clears it when it does', async () => {
    const user = await f.store.createUser({
      name: 'two-keys',
      kind: 'modern',
      verifier: utf8('v'),
      salt: utf8('s'),
      kdf: 'scrypt:16384:8:1:32',
      publicKey: utf8('modern key'),
      legacyKey: utf8('legacy key'),
    });
    expect(user.legacyKey).toEqual(utf8('legacy key'));
    const kept = await f.store.setKeys(user.id, { publicKey: utf8('modern key 2'), keyBackup: null });
    expect(kept.legacyKey).toEqual(utf8('legacy key'));
    const replaced = await f.store.setKeys(user.id, { publicKey: utf8('modern key 2'), keyBackup: null, legacyKey: utf8('legacy key 2') });
    expect(replaced.legacyKey).toEqual(utf8('legacy key 2'));
    expect((await f.store.usersById([user.id]))[0]?.legacyKey).toEqual(utf8('legacy key 2'));
    const cleared = await f.store.setKeys(user.id, { publicKey: utf8('modern key 2'), keyBackup: null, legacyKey: null });
    expect(cleared.legacyKey).toBeNull();
  });

  it('keeps the key proof with the key it came with: none at signup, stored with a change, kept unless setKeys names one', async () => {
    const user = await f.store.createUser({
      name: 'rotating',
      kind: 'modern',
      verifier: utf8('v'),
      salt: utf8('s'),
      kdf: 'scrypt:16384:8:1:32',
      publicKey: utf8('key 1'),
    });
    expect(user.keyProof).toBeNull();
    const changed = await f.store.setKeys(user.id, { publicKey: utf8('key 2'), keyBackup: null, keyProof: utf8('key 1 signs key 2') });
    expect(changed.keyProof).toEqual(utf8('key 1 signs key 2'));
    const kept = await f.store.setKeys(user.id, { publicKey: utf8('key 2'), keyBackup: utf8('backup'), legacyKey: utf8('legacy') });
    expect(kept.keyProof).toEqual(utf8('key 1 signs key 2'));
    expect((await f.store.usersById([user.id]))[0]?.keyProof).toEqual(utf8('key 1 signs key 2'));
    expect((await f.store.setKeys(user.id, { publicKey: utf8('key 3'), keyBackup: null, keyProof: null })).keyProof).toBeNull();
  });

  it('a user may sign up without a public key', async () => {
    const user = await f.store.createUser({
      name: 'keyless',
      kind: 'modern',
      verifier: utf8('v'),
      salt: utf8('s'),
      kdf: 'scrypt:16384:8:1:32',
      publicKey: null,
    });
    expect(user.publicKey).toBeNull();
    expect((await f.store.usersById([user.id]))[0]?.publicKey).toBeNull();
  });

  it('names are unique regardless of case', async () => {
    const first = await f.user('Grace');
    const clash = { ...newUser(), name: first.name.toUpperCase() };
    const error = await f.store.createUser(clash).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NameTakenError);
    expect(error).toMatchObject({ code: 'name_taken', userName: clash.name });
    expect((await f.store.credentialsByName(clash.name))?.user).toEqual(first);
  });

  it('an unknown name has no credentials', async () => {
    await expect(f.store.credentialsByName('nobody-by-this-name')).resolves.toBeUndefined();
  });

  it('usersById returns the users that exist among the ids', async () => {
    const [a, b, c] = await f.users(3, 'byid');
    const found = await f.store.usersById([c!.id, 987_654_321, a!.id, b!.id]);
    expect(byUser(found)).toEqual([a, b, c]);
    await expect(f.store.usersById([])).resolves.toEqual([]);
  });

  it('listUsers pages by id and filters by a prefix in any case', async () => {
    const [a, b, c] = await f.users(3, 'Pager');
    await f.user('other');
    const first = await f.store.listUsers({ prefix: 'pAGER', limit: 2 });
    expect(first).toEqual([a, b]);
    const next = await f.store.listUsers({ prefix: 'PAGER', limit: 2, afterId: b!.id });
    expect(next).toEqual([c]);
    const everyone = await f.store.listUsers({ limit: 1000 });
    expect(everyone.map((u) => u.id)).toEqual([...everyone.map((u) => u.id)].sort((x, y) => x - y));
    expect(everyone.map((u) => u.id)).toEqual(expect.arrayContaining([a!.id, b!.id, c!.id]));
  });

  it('a prefix holding LIKE wildcards matches them literally', async () => {
    const literal = await f.user('50%_off');
    await f.user('50xyoff');
    await f.user('50%zoff');
    expect(await f.store.listUsers({ prefix: '50%_', limit: 10 })).toEqual([literal]);
  });

  it('setLastSeen records when the user was last seen', async () => {
    const user = await f.user('seen');
    const at = new Date('2026-01-02T03:04:05.678Z');
    await f.store.setLastSeen(user.id, at);
    expect((await f.store.usersById([user.id]))[0]?.lastSeen).toEqual(at);
  });

  it('SQL metacharacters in names are stored verbatim', async () => {
    const name = `Robert'); DROP TABLE users; -- "\\ $1 %_`;
    const user = await f.store.createUser({ ...newUser(), name });
    expect(user.name).toBe(name);
    expect((await f.store.credentialsByName(name))?.user).toEqual(user);
    expect(await f.store.listUsers({ prefix: "Robert')", limit: 10 })).toEqual([user]);
  });
}

function newUser() {
  return {
    name: 'unused',
    kind: 'modern' as const,
    verifier: utf8('v'),
    salt: utf8('s'),
    kdf: 'scrypt:16384:8:1:32',
    publicKey: null,
  };
}
