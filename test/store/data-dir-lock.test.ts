import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DataDirLock, LOCK_FILE } from '../../src/store/data-dir-lock.js';
import { DataDirInUseError } from '../../src/store/errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fastchat-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('is held by one holder at a time, naming it, and free again once released', async () => {
  const lock = DataDirLock.acquire(dir, 'test');
  expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, since: expect.any(String) });
  let refusal: unknown;
  try {
    DataDirLock.acquire(dir, 'test');
  } catch (error) {
    refusal = error;
  }
  expect(refusal).toBeInstanceOf(DataDirInUseError);
  expect(refusal).toMatchObject({ code: 'data_dir_in_use', holder: { pid: process.pid } });
  expect((refusal as Error).message).toMatch(
    new RegExp(`^the data folder .* is in use by process ${process.pid} \\(since .*\\); stop it first`),
  );
  lock.release();
  lock.release();
  await expect(readFile(join(dir, LOCK_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  DataDirLock.acquire(dir, 'test').release();
});

it('takes over the lock of a process that is gone', async () => {
  // A real pid that no longer runs: a child that has exited.
  const gone = spawnSync(process.execPath, ['-e', '']).pid;
  await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: gone, since: '2026-01-01T00:00:00.000Z', command: 'old' }));
  const lock = DataDirLock.acquire(dir, 'test');
  expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
  lock.release();
});

it('leaves alone a lock file that is no longer its own', async () => {
  const lock = DataDirLock.acquire(dir, 'test');
  const other = JSON.stringify({ pid: 1, since: 'x', command: 'another server' });
  await writeFile(join(dir, LOCK_FILE), other);
  lock.release();
  expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe(other);
});
