import { open, readFile, unlink } from 'node:fs/promises';
import { LocalStateError } from './errors.js';

export interface FileLockOptions {
  /** Give up (LocalStateError) after waiting this long for another process. @default 10000 */
  readonly timeoutMs?: number;
  /** Pause between two tries while another live process holds the lock. @default 5 */
  readonly retryMs?: number;
}

/** True while a process with this id exists (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else; only ESRCH means it is gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `work` holding the lock file `path`: created with O_EXCL and holding this process's id, so
 * that of every process of the user (a TUI, `fastchat send` from a script) one at a time reads,
 * changes and writes the file it guards. A lock whose process is gone (it crashed while holding it)
 * is broken; the break itself is guarded by a second O_EXCL file, so two processes that both find
 * the same stale lock cannot remove the new lock one of them has just taken.
 */
export async function withFileLock<T>(path: string, work: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const retryMs = options.retryMs ?? 5;
  for (;;) {
    if (await tryCreate(path)) break;
    if (!(await breakIfStale(path)) && Date.now() > deadline) {
      throw new LocalStateError(`${path} stays locked by process ${await holder(path)}; if no fastchat is running, remove the file`);
    }
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
  try {
    return await work();
  } finally {
    await unlink(path).catch((error: unknown) => {
      // Gone already: someone judged us dead, which cannot happen while we run; nothing to undo.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
  }
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(String(process.pid));
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new LocalStateError(`cannot create ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** The pid in a lock file; NaN while it is being written or when it is gone. */
async function holder(path: string): Promise<number> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text === '' ? Number.NaN : Number(text);
}

/** Removes the lock when its process is gone; true when it did. */
async function breakIfStale(path: string): Promise<boolean> {
  const pid = await holder(path);
  // Empty: its creator is between open and write; give it time rather than judge it.
  if (Number.isNaN(pid) || processAlive(pid)) return false;
  const breaker = `${path}.break`;
  if (!(await tryCreate(breaker))) {
    // Another process is breaking it; if that one died mid-break, its guard is stale in turn.
    const other = await holder(breaker);
    // Already gone (its breaker finished): nothing to remove.
    if (!Number.isNaN(other) && !processAlive(other)) await unlink(breaker).catch(() => undefined);
    return false;
  }
  try {
    // Looked at again under the guard: the lock may have been broken and taken anew meanwhile.
    if ((await holder(path)) !== pid) return false;
    // Already gone: another breaker got there first, which is what we wanted.
    await unlink(path).catch(() => undefined);
    return true;
  } finally {
    // Already gone only if judged stale itself, which cannot happen while we run.
    await unlink(breaker).catch(() => undefined);
  }
}
