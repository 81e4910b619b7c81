import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalStateError } from './errors.js';

/**
 * One user's files under the client home (`--home`, default $XDG_DATA_HOME/fastchat):
 *
 * ```
 * <home>/<name>/identity.pem   the identity private key, encrypted PKCS#8 under the local key (key-files.ts, mode 0600)
 * <home>/<name>/legacy.pem     the legacy key pair, sealed the same way
 * <home>/<name>/state.json     cursors, pinned key fingerprints, sealed secrets (mode 0600)
 * <home>/<name>/outbox.json    messages written but not yet acknowledged by the server (mode 0600)
 * ```
 *
 * Every write goes to a temporary file that is renamed over the old one, so a crash leaves the old
 * or the new version, never half of one.
 */
export class LocalStore {
  readonly dir: string;

  constructor(home: string, userName: string) {
    this.dir = join(home, userName.toLowerCase());
  }

  path(file: string): string {
    return join(this.dir, file);
  }

  /** The file's text, or undefined when it does not exist. */
  async read(file: string): Promise<string | undefined> {
    try {
      return await readFile(this.path(file), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new LocalStateError(`cannot read ${this.path(file)}: ${(error as Error).message}`, { cause: error });
    }
  }

  async readJson<T>(file: string): Promise<T | undefined> {
    const text = await this.read(file);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new LocalStateError(`${this.path(file)} is not valid JSON; move it away to start afresh`, { cause: error });
    }
  }

  /** Creates the user's folder (0700) if needed, for files made outside write() such as lock files. */
  async ensureDir(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new LocalStateError(`cannot create ${this.dir}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Writes atomically with mode 0600, creating the folder (0700) if needed. */
  async write(file: string, text: string): Promise<void> {
    const target = this.path(file);
    const temporary = `${target}.${process.pid}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFile(temporary, text, { mode: 0o600 });
      await chmod(temporary, 0o600);
      await rename(temporary, target);
    } catch (error) {
      throw new LocalStateError(`cannot write ${target}: ${(error as Error).message}`, { cause: error });
    }
  }

  writeJson(file: string, value: unknown): Promise<void> {
    return this.write(file, JSON.stringify(value, null, 1) + '\n');
  }
}
