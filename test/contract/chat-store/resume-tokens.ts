import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Fixture } from './fixture.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A fresh 32-byte stand-in for SHA-256(token): the store never sees tokens, only their hashes. */
const hash = (): Uint8Array => new Uint8Array(randomBytes(32));

export function resumeTokensContract(f: Fixture): void {
  it('a stored token logs its user back in until it expires, and records its use', async () => {
    const user = await f.user('resumer');
    const tokenHash = hash();
    await f.store.addResumeToken({ userId: user.id, tokenHash, ttlMs: 30 * DAY_MS, keep: 20 });
    const [stored] = await f.store.resumeTokensOf(user.id);
    expect(stored).toEqual({ tokenHash, userId: user.id, createdAt: expect.any(Date), lastUsedAt: expect.any(Date), expiresAt: expect.any(Date) });
    // The lifetime is counted on the database's clock from the moment of issue.
    const lifetime = stored!.expiresAt.getTime() - stored!.createdAt.getTime();
    expect(Math.abs(lifetime - 30 * DAY_MS)).toBeLessThan(1000);

    await new Promise((r) => setTimeout(r, 20));
    expect(await f.store.useResumeToken(tokenHash)).toEqual(user);
    const [used] = await f.store.resumeTokensOf(user.id);
    expect(used!.lastUsedAt.getTime()).toBeGreaterThan(stored!.lastUsedAt.getTime());
    // Using a token does not extend it.
    expect(used!.expiresAt).toEqual(stored!.expiresAt);
    expect(await f.store.useResumeToken(tokenHash)).toEqual(user);
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
    await expect(f.store.useResumeToken(short)).resolves.toEqual(user);
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
    await expect(f.store.useResumeToken(kept)).resolves.toEqual(user);
  });

  it('a user keeps at most `keep` tokens: a new one deletes the oldest, and no one else\'s', async () => {
    const [user, bystander] = await f.users(2, 'capped');
    const theirs = hash();
    await f.store.addResumeToken({ userId: bystander!.id, tokenHash: theirs, ttlMs: DAY_MS, keep: 3 });
    const hashes = [hash(), hash(), hash(), hash(), hash()];
    for (const tokenHash of hashes) await f.store.addResumeToken({ userId: user!.id, tokenHash, ttlMs: DAY_MS, keep: 3 });
    expect((await f.store.resumeTokensOf(user!.id)).map((t) => t.tokenHash)).toEqual(hashes.slice(2).reverse());
    await expect(f.store.useResumeToken(hashes[1]!)).resolves.toBeUndefined();
    await expect(f.store.useResumeToken(hashes[4]!)).resolves.toEqual(user);
    await expect(f.store.useResumeToken(theirs)).resolves.toEqual(bystander);
  });

  it('keeps the cap when one user logs in many times at once', async () => {
    const user = await f.user('concurrent');
    await Promise.all(Array.from({ length: 12 }, () => f.store.addResumeToken({ userId: user.id, tokenHash: hash(), ttlMs: DAY_MS, keep: 5 })));
    expect(await f.store.resumeTokensOf(user.id)).toHaveLength(5);
  });
}
