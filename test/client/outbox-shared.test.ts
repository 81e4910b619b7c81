import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/client/local-store.js';
import { Outbox } from '../../src/client/outbox.js';

const RACER = fileURLToPath(new URL('../support/outbox-racer.mjs', import.meta.url));
const children: ChildProcess[] = [];
let home: string | undefined;

afterEach(async () => {
  children.splice(0).forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
  if (home) await rm(home, { recursive: true, force: true });
  home = undefined;
});

/** Starts a racer process; resolves with what it claimed, and a function that lets it exit. */
function race(tag: string, count: number): { claimed: Promise<string[]>; finish: () => Promise<void> } {
  const child = spawn(process.execPath, [RACER, home!, tag, String(count)], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const claimed = new Promise<string[]>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve((JSON.parse(out) as { claimed: string[] }).claimed);
    });
    child.stderr.on('data', (chunk) => (err += chunk));
    void exited.then((code) => reject(new Error(`racer ${tag} exited (${code}) before claiming:\n${err}`)));
  });
  return {
    claimed,
    finish: async () => {
      child.stdin.end();
      expect(await exited).toBe(0);
    },
  };
}

const survivors = (tag: string, count: number) =>
  Array.from({ length: count }, (_, i) => i + 1)
    .filter((i) => i % 3 !== 0)
    .map((i) => `${tag}-${i}`);

describe('one outbox shared by every fastchat process of a user', () => {
  it('two processes queueing and removing at once lose none of each other’s entries, never claim the same one, and a later process takes over what the gone ones left', async () => {
    home = await mkdtemp(join(tmpdir(), 'fastchat-outbox-'));
    const a = race('a', 60);
    const b = race('b', 60);
    const [claimedA, claimedB] = await Promise.all([a.claimed, b.claimed]);
    // Each sends only its own while both live.
    expect(claimedA).toEqual(survivors('a', 60));
    expect(claimedB).toEqual(survivors('b', 60));
    const onDisk = await Outbox.load(new LocalStore(home, 'racer'));
    expect(
      onDisk
        .entries()
        .map((e) => e.cid)
        .sort(),
    ).toEqual([...survivors('a', 60), ...survivors('b', 60)].sort());
    await Promise.all([a.finish(), b.finish()]);
    // Both gone: the next process (this one) sends everything they left, in the order it was queued per process.
    const claimed = (await onDisk.claim()).map((e) => e.cid);
    expect(claimed.filter((c) => c.startsWith('a-'))).toEqual(survivors('a', 60));
    expect(claimed.filter((c) => c.startsWith('b-'))).toEqual(survivors('b', 60));
  }, 60_000);
});
