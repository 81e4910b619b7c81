import { link, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
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
 * Runs `work` holding the lock file `path`: it holds this process's id from the moment it exists, so
 * that of every process of the user (a TUI, `fastchat send` from a script) one at a time reads,
 * changes and writes the file it guards. A lock whose process is gone (it crashed, or a one-shot
 * command ended with process.exit while taking it) is broken; the break itself is guarded by a second
 * lock file, so two processes that both find the same stale lock cannot remove the new lock one of
 * them has just taken.
 */
export async function withFileLock<T>(path: string, work: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const retryMs = options.retryMs ?? 5;
  await removeLeftovers(path);
  for (;;) {
    if (await tryCreate(path)) break;
    if (!(await breakIfStale(path)) && Date.now() > deadline) {
      const pid = await holder(path);
      throw new LocalStateError(
        `${path} stays locked${pid === undefined ? '' : ` by process ${pid}`}; if no fastchat is running, remove the file`,
      );
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

let tries = 0;

/** Lock paths whose leftovers this process has removed already: once is enough. */
const swept = new Set<string>();

/**
 * Removes the pid files (tryCreate) that processes now gone left beside the lock `path`: a one-shot
 * command that ends with process.exit while it takes the lock (`fastchat users | head -1`) leaves
 * one. They hold nobody's lock; this only keeps the folder tidy.
 */
async function removeLeftovers(path: string): Promise<void> {
  if (swept.has(path)) return;
  swept.add(path);
  const prefix = `${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    const pid = /^(?:break\.)?(\d+)-\d+$/.exec(name.slice(prefix.length))?.[1];
    if (name.startsWith(prefix) && pid !== undefined && !processAlive(Number(pid)))
      await unlink(join(dirname(path), name)).catch(() => undefined);
  }
}

/**
 * Takes the lock file `path` if nobody has it. The pid is written to a file of this process's own
 * first, which is then linked to `path` (a link fails when `path` exists, as O_EXCL does): a process
 * that dies at any point, between two awaits or by process.exit, leaves either no lock or one naming
 * it, never an empty one nobody could judge.
 */
async function tryCreate(path: string): Promise<boolean> {
  // Its own name per try: two clients of one user in one process (tests) take locks side by side.
  const own = `${path}.${process.pid}-${++tries}`;
  try {
    await writeFile(own, String(process.pid), { mode: 0o600 });
    await link(own, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new LocalStateError(`cannot create ${path}: ${(error as Error).message}`, { cause: error });
  } finally {
    await unlink(own).catch(() => undefined);
  }
}

/**
 * The text of a lock file: its holder's pid; undefined when it is gone. Anything but a pid (empty:
 * left by a client from before the lock was linked into place, which created the file and died
 * before writing to it) names no live process.
 */
async function holder(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

/** Removes the lock when its process is gone; true when it did. */
async function breakIfStale(path: string): Promise<boolean> {
  const text = await holder(path);
  // Gone: the next try takes it.
  if (text === undefined || processAlive(Number(text))) return false;
  const breaker = `${path}.break`;
  if (!(await tryCreate(breaker))) {
    // Another process is breaking it; if that one died mid-break, its guard is stale in turn.
    const other = await holder(breaker);
    // Already gone (its breaker finished): nothing to remove.
    if (other !== undefined && !processAlive(Number(other))) await unlink(breaker).catch(() => undefined);
    return false;
  }
  try {
    // Looked at again under the guard: the lock may have been broken and taken anew meanwhile.
    if ((await holder(path)) !== text) return false;
    // Already gone: another breaker got there first, which is what we wanted.
    await unlink(path).catch(() => undefined);
    return true;
  } finally {
    // Already gone only if judged stale itself, which cannot happen while we run.
    await unlink(breaker).catch(() => undefined);
  }
}
