import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirInUseError, DatabaseUnavailableError } from './errors.js';

/** The lock file's name inside the embedded database's folder. */
export const LOCK_FILE = 'fastchat-server.lock';

/** Lock files this process holds: its own pid in one is live, not a past life's. */
const held = new Set<string>();

/** Who holds a data folder, as its lock file says. */
export interface LockHolder {
  readonly pid: number;
  /** ISO time the holder took the lock. */
  readonly since: string;
  /** The holder's command line. */
  readonly command: string;
}

/**
 * One server per embedded data folder. PGlite runs PostgreSQL in-process with no postmaster to
 * refuse a second one, and two processes writing one folder corrupt it (a third died with
 * "Aborted()"). So the folder carries a lock file, created with O_EXCL, naming the process that holds
 * it. A lock whose process is gone (a crash, SIGKILL) is stale and taken over. The lock is released
 * by `release()` and, should the process exit without it, by an exit hook.
 */
export class DataDirLock {
  #released = false;
  readonly #onExit = () => this.release();

  private constructor(
    readonly path: string,
    private readonly content: string,
  ) {
    held.add(path);
    process.once('exit', this.#onExit);
  }

  /**
   * Takes the lock of `dir` for this process.
   * @throws DataDirInUseError when a live process holds it
   * @throws DatabaseUnavailableError when the lock file cannot be written
   */
  static acquire(dir: string, description: string): DataDirLock {
    const path = join(dir, LOCK_FILE);
    const holder: LockHolder = { pid: process.pid, since: new Date().toISOString(), command: process.argv.slice(1).join(' ') };
    const content = JSON.stringify(holder) + '\n';
    // Twice at most: a stale lock is removed once; whoever then creates it first holds it.
    for (let attempt = 0; ; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        try {
          writeSync(fd, content);
        } finally {
          closeSync(fd);
        }
        return new DataDirLock(path, content);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new DatabaseUnavailableError(description, `cannot write its lock file ${path}: ${(error as Error).message}`, {
            cause: error,
          });
        }
      }
      const found = readHolder(path);
      if (found !== undefined && (held.has(path) || isAlive(found.pid))) throw new DataDirInUseError(dir, found);
      if (attempt > 0) throw new DataDirInUseError(dir, found);
      // Stale: its process is gone (or the file is unreadable, as a crash mid-write leaves it).
      try {
        unlinkSync(path);
      } catch (error) {
        // Gone already: another starting server took it over first; the next attempt finds out.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }

  /** Removes the lock file if it is still this process's. Safe to call more than once. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    held.delete(this.path);
    process.off('exit', this.#onExit);
    try {
      if (readFileSync(this.path, 'utf8') === this.content) unlinkSync(this.path);
    } catch {
      // Already gone (the folder was removed): there is nothing left to release.
    }
  }
}

/** The holder a lock file names, or undefined when it cannot be read or parsed. */
export function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0) return undefined;
    return { pid: parsed.pid, since: String(parsed.since ?? ''), command: String(parsed.command ?? '') };
  } catch {
    // Unreadable or half written: treated as stale by the caller.
    return undefined;
  }
}

/**
 * Whether a process with this pid runs (EPERM: it does, under another account). Our own pid in a lock
 * this process does not hold is a past life's: after a crash, a restarted container reuses pids.
 */
function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
