import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Fixture } from './fixture.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A fresh 32-byte stand-in for SHA-256(token): the store never sees tokens, only their hashes. */
const hash = (): Uint8Array => new Uint8Array(randomBytes(32));

export function resumeTokensContract(f: Fixture): void {
  /** The user a token logs in, or undefined. */
  const userOf = async (tokenHash: Uint8Array) => (await f.store.useResumeToken(tokenHash))?.user;
  const verifierOf = async (name: string) => (await f.store.credentialsByName(name))!.verifier;

  it('names each token by an id, which using it reports and revoking by id takes, for its own user only', async () => {
    const [user, other] = await f.users(2, 'by-id');
    const [first, second] = [hash(), hash()];
    const firstId = await f.store.addResumeToken({ userId: user!.id, tokenHash: first, ttlMs: DAY_MS, keep: 20 });
    const secondId = await f.store.addResumeToken({ userId: user!.id, tokenHash: second, ttlMs: DAY_MS, keep: 20 });
    expect(firstId).toEqual(expect.any(Number));
    expect(secondId).not.toBe(firstId);
    expect((await f.store.resumeTokensOf(user!.id)).map((t) => t.id)).toEqual([secondId, firstId]);
    await expect(f.store.useResumeToken(first)).resolves.toEqual({ user, tokenId: firstId });
    // Another user cannot revoke it by its id.
    await expect(f.store.revokeResumeTokenOf(other!.id, firstId!)).resolves.toBe(false);
    await expect(userOf(first)).resolves.toEqual(user);
    await expect(f.store.revokeResumeTokenOf(user!.id, firstId!)).resolves.toBe(true);
    await expect(f.store.revokeResumeTokenOf(user!.id, firstId!)).resolves.toBe(false);
    await expect(userOf(first)).resolves.toBeUndefined();
    await expect(userOf(second)).resolves.toEqual(user);
  });

  it("stores a login's token only while the password is the one the login checked", async () => {
    const user = await f.user('checked-login');
    const verifier = await verifierOf(user.name);
    await expect(
      f.store.addResumeToken({ userId: user.id, tokenHash: hash(), ttlMs: DAY_MS, keep: 20, expectedVerifier: verifier }),
    ).resolves.toEqual(expect.any(Number));
    const stale = hash();
    await expect(
      f.store.addResumeToken({ userId: user.id, tokenHash: stale, ttlMs: DAY_MS, keep: 20, expectedVerifier: new Uint8Array([0, 0, 0]) }),
    ).resolves.toBeUndefined();
    await expect(userOf(stale)).resolves.toBeUndefined();
  });

  it('a password change replaces verifier and backup, revokes every token and stores the new one, once', async () => {
    const [user, bystander] = await f.users(2, 'changer');
    const old = await verifierOf(user!.name);
    const [a, b, theirs, next] = [hash(), hash(), hash(), hash()];
    for (const tokenHash of [a, b]) await f.store.addResumeToken({ userId: user!.id, tokenHash, ttlMs: DAY_MS, keep: 20 });
    await f.store.addResumeToken({ userId: bystander!.id, tokenHash: theirs, ttlMs: DAY_MS, keep: 20 });
    const change = {
      userId: user!.id,
      expectedVerifier: old,
      verifier: new Uint8Array([4, 4, 4]),
      salt: new Uint8Array([5, 5]),
      kdf: 'scrypt:16384:8:1:32',
      keyBackup: new Uint8Array([6]),
      token: { tokenHash: next, ttlMs: DAY_MS },
    };
    const changed = await f.store.changePassword(change);
    expect(changed).toEqual({ user, tokenId: expect.any(Number) });
    const credentials = await f.store.credentialsByName(user!.name);
    expect(credentials).toMatchObject({ verifier: change.verifier, salt: change.salt, keyBackup: change.keyBackup });
    await expect(userOf(a)).resolves.toBeUndefined();
    await expect(userOf(b)).resolves.toBeUndefined();
    await expect(f.store.useResumeToken(next)).resolves.toEqual({ user, tokenId: changed!.tokenId });
    await expect(userOf(theirs)).resolves.toEqual(bystander);
    // The same change again, made with the old password's verifier: it lost, and nothing moves.
    await expect(
      f.store.changePassword({ ...change, verifier: new Uint8Array([7]), token: { tokenHash: hash(), ttlMs: DAY_MS } }),
    ).resolves.toBeUndefined();
    expect((await f.store.credentialsByName(user!.name))!.verifier).toEqual(change.verifier);
    await expect(userOf(next)).resolves.toEqual(user);
  });

  it('of two password changes made at once with the same old password, exactly one wins', async () => {
    const user = await f.user('racing');
    const old = await verifierOf(user.name);
    const attempt = (n: number) =>
      f.store.changePassword({
        userId: user.id,
        expectedVerifier: old,
        verifier: new Uint8Array([n]),
        salt: new Uint8Array([n]),
        kdf: 'scrypt:16384:8:1:32',
        keyBackup: null,
        token: { tokenHash: hash(), ttlMs: DAY_MS },
      });
    const outcomes = await Promise.all([attempt(1), attempt(2), attempt(3)]);
    expect(outcomes.filter((o) => o !== undefined)).toHaveLength(1);
    expect(await f.store.resumeTokensOf(user.id)).toHaveLength(1);
  });

  it('a stored token logs its user back in until it expires, and records its use', async () => {
    const user = await f.user('resumer');
    const tokenHash = hash();
    await f.store.addResumeToken({ userId: user.id, tokenHash, ttlMs: 30 * DAY_MS, keep: 20 });
    const [stored] = await f.store.resumeTokensOf(user.id);
    expect(stored).toEqual({
      id: expect.any(Number),
      tokenHash,
      userId: user.id,
      createdAt: expect.any(Date),
      lastUsedAt: expect.any(Date),
      expiresAt: expect.any(Date),
    });
    // The lifetime is counted on the database's clock from the moment of issue.
    const lifetime = stored!.expiresAt.getTime() - stored!.createdAt.getTime();
    expect(Math.abs(lifetime - 30 * DAY_MS)).toBeLessThan(1000);

    await new Promise((r) => setTimeout(r, 20));
    expect((await f.store.useResumeToken(tokenHash))?.user).toEqual(user);
    const [used] = await f.store.resumeTokensOf(user.id);
    expect(used!.lastUsedAt.getTime()).toBeGreaterThan(stored!.lastUsedAt.getTime());
    // Using a token does not extend it.
    expect(used!.expiresAt).toEqual(stored!.expiresAt);
    expect((await f.store.useResumeToken(tokenHash))?.user).toEqual(user);
  });

  it('an unknown token finds nobody, nor does a prefix or a longer value of a real one', async () => {
    const user = await f.user('unknown-token');
    const tokenHash = hash();
    await f.store.addResumeToken({ userId: user.id, tokenHash, ttlMs: DAY_MS, keep: 20 });
    await expect(f.store.useResumeToken(hash())).resolves.toBeUndefined();
    await expect(f.store.useResumeToken(tokenHash.subarray(0, 31))).resolves.toBeUndefined();
    await expect(f.store.useResumeToken(new Uint8Array([...tokenHash, 0]))).resolves.toBeUndefined();
    await expect(f.store.useResumeToken(new Uint8Array(0))).resolves.toBeUndefined();
  });

  it('an expired token finds nobody, and adding a token sweeps expired ones away', async () => {
    const [user, other] = await f.users(2, 'expiring');
    const short = hash();
    await f.store.addResumeToken({ userId: user!.id, tokenHash: short, ttlMs: DAY_MS, keep: 20 });
    await expect(userOf(short)).resolves.toEqual(user);
    await f.clock.ageResumeToken(short, DAY_MS + 60_000);
    await expect(f.store.useResumeToken(short)).resolves.toBeUndefined();
    expect((await f.store.resumeTokensOf(user!.id)).map((t) => t.tokenHash)).toEqual([short]);
    // Any login sweeps expired tokens, whoever's they are.
    await f.store.addResumeToken({ userId: other!.id, tokenHash: hash(), ttlMs: DAY_MS, keep: 20 });
    await expect(f.store.resumeTokensOf(user!.id)).resolves.toEqual([]);
  });

  it('a revoked token finds nobody; revoking says whether there was one', async () => {
    const user = await f.user('revoker');
    const [kept, revoked] = [hash(), hash()];
    await f.store.addResumeToken({ userId: user.id, tokenHash: kept, ttlMs: DAY_MS, keep: 20 });
    await f.store.addResumeToken({ userId: user.id, tokenHash: revoked, ttlMs: DAY_MS, keep: 20 });
    await expect(f.store.revokeResumeToken(revoked)).resolves.toBe(true);
    await expect(f.store.revokeResumeToken(revoked)).resolves.toBe(false);
    await expect(f.store.useResumeToken(revoked)).resolves.toBeUndefined();
    await expect(userOf(kept)).resolves.toEqual(user);
  });

  it("a user keeps at most `keep` tokens: a new one deletes the oldest, and no one else's", async () => {
    const [user, bystander] = await f.users(2, 'capped');
    const theirs = hash();
    await f.store.addResumeToken({ userId: bystander!.id, tokenHash: theirs, ttlMs: DAY_MS, keep: 3 });
    const hashes = [hash(), hash(), hash(), hash(), hash()];
    for (const tokenHash of hashes) await f.store.addResumeToken({ userId: user!.id, tokenHash, ttlMs: DAY_MS, keep: 3 });
    expect((await f.store.resumeTokensOf(user!.id)).map((t) => t.tokenHash)).toEqual(hashes.slice(2).reverse());
    await expect(f.store.useResumeToken(hashes[1]!)).resolves.toBeUndefined();
    await expect(userOf(hashes[4]!)).resolves.toEqual(user);
    await expect(userOf(theirs)).resolves.toEqual(bystander);
  });

  it('keeps the cap when one user logs in many times at once', async () => {
    const user = await f.user('concurrent');
    await Promise.all(
      Array.from({ length: 12 }, () => f.store.addResumeToken({ userId: user.id, tokenHash: hash(), ttlMs: DAY_MS, keep: 5 })),
    );
    expect(await f.store.resumeTokensOf(user.id)).toHaveLength(5);
  });
}
