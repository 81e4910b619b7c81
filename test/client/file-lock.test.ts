import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalStateError } from '../../src/client/errors.js';
import { withFileLock } from '../../src/client/file-lock.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('withFileLock', () => {
  it('holds the lock with its pid while working, runs callers one at a time, and removes it after', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fastchat-lock-'));
    const lock = join(dir, 'x.lock');
    const order: string[] = [];
    const work = (name: string) =>
      withFileLock(lock, async () => {
        order.push(`${name} in`);
        expect(await readFile(lock, 'utf8')).toBe(String(process.pid));
        await new Promise((resolve) => setImmediate(resolve));
        order.push(`${name} out`);
      });
    await Promise.all([work('a'), work('b')]);
    // Either may win the race to create the file; what matters is that they never overlap.
    const [first, second] = order[0] === 'a in' ? ['a', 'b'] : ['b', 'a'];
    expect(order).toEqual([`${first} in`, `${first} out`, `${second} in`, `${second} out`]);
    await expect(readFile(lock, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('breaks a lock left by a process that is gone, and waits out (then refuses) one held by a live process', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fastchat-lock-'));
    const lock = join(dir, 'x.lock');
    await writeFile(lock, String(await deadPid()));
    await expect(withFileLock(lock, async () => 'ran')).resolves.toBe('ran');
    // Held by a live process (this one's parent): waited for, then refused at the deadline.
    await writeFile(lock, String(process.ppid));
    await expect(withFileLock(lock, async () => 'ran', { timeoutMs: 50 })).rejects.toBeInstanceOf(LocalStateError);
  });

  it('breaks an empty lock: a process that died between creating it and writing its pid (as older clients could) holds nothing', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fastchat-lock-'));
    const lock = join(dir, 'x.lock');
    await writeFile(lock, '');
    // No deadline to wait out: the default one (10 s) would be a failure with a LocalStateError.
    await expect(withFileLock(lock, async () => 'ran')).resolves.toBe('ran');
    await expect(readFile(lock, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('leaves nothing but the lock behind while it is held, and nothing at all after', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fastchat-lock-'));
    const lock = join(dir, 'x.lock');
    await withFileLock(lock, async () => expect(await readdir(dir!)).toEqual(['x.lock']));
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes the pid files that processes now gone left beside the lock while taking it, and keeps those of live ones', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fastchat-lock-'));
    const lock = join(dir, 'x.lock');
    const dead = await deadPid();
    for (const name of [`x.lock.${dead}-1`, `x.lock.break.${dead}-2`, `x.lock.${process.ppid}-1`, 'y.lock.1-1'])
      await writeFile(join(dir, name), '');
    await withFileLock(lock, async () => undefined);
    expect((await readdir(dir)).sort()).toEqual([`x.lock.${process.ppid}-1`, 'y.lock.1-1']);
  });
});
