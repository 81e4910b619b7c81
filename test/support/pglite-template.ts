import { cp, mkdir, readdir } from 'node:fs/promises';
import { inject } from 'vitest';

/**
 * Fills `dataDir`, when it is missing or empty, with a copy of the run's PGlite template
 * (test/support/global-pglite.ts): an embedded database already initialised with schema.sql, closed
 * cleanly. The server opens it as it opens its own folder after a restart (applies the idempotent
 * schema, checks the version), in a fraction of a fresh folder's initdb. A folder that already holds
 * something (a server's folder, started again) is left as it is. Without a template (outside vitest's
 * global setup) the folder is only created, and the server initialises it itself.
 *
 * Tests of what a first start does to an empty folder (test/store/open-database.test.ts,
 * test/cli/fastchat-server.test.ts) do not use this.
 */
export async function seedPgliteDir(dataDir: string): Promise<void> {
  if ((await entries(dataDir)) > 0) return;
  const template = pgliteTemplate();
  if (template === null) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    return;
  }
  await cp(template, dataDir, { recursive: true, force: false, errorOnExist: true });
}

async function entries(dir: string): Promise<number> {
  try {
    return (await readdir(dir)).length;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

function pgliteTemplate(): string | null {
  try {
    return inject('pgliteTemplate') ?? null;
  } catch {
    return null; // not inside a vitest worker (inject throws there)
  }
}
