import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/store/open-database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A closed embedded data folder with schema.sql applied, to copy (pglite-template.ts); null without one. */
    pgliteTemplate: string | null;
  }
}

/**
 * vitest globalSetup: creates one embedded database (PGlite) with the schema loaded, once for the
 * whole run, and closes it. A fresh PGlite folder costs an initdb of several seconds (far more on a
 * loaded machine); a copy of this one costs a file copy, and the server then opens it as it opens its
 * own folder after a restart. Both projects share it (started by the first, removed by the last).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const shared = globalThis as { fastchatPgliteTemplate?: { folder: Promise<string>; users: number } };
  shared.fastchatPgliteTemplate ??= { folder: createTemplate(), users: 0 };
  const entry = shared.fastchatPgliteTemplate;
  entry.users++;
  const folder = await entry.folder;
  project.provide('pgliteTemplate', join(folder, 'data'));
  return async () => {
    if (--entry.users > 0) return;
    shared.fastchatPgliteTemplate = undefined;
    await rm(folder, { recursive: true, force: true });
  };
}

async function createTemplate(): Promise<string> {
  const started = Date.now();
  const folder = await mkdtemp(join(tmpdir(), 'fastchat-pglite-template-'));
  const db = await openDatabase({ dataDir: join(folder, 'data') });
  await db.close();
  console.log(`PGlite template with the schema made in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return folder;
}
