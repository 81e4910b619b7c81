import type { TestProject } from 'vitest/node';
import { findPostgresBin, startThrowawayPostgres } from '../../bench/support/throwaway-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server URL whose user may create databases; null when that half is skipped. */
    postgresUrl: string | null;
  }
}

/**
 * vitest globalSetup: gives the suite a PostgreSQL server (DESIGN.md § Tests). DATABASE_URL when
 * set; otherwise a throwaway cluster from the installed binaries, removed at teardown; otherwise
 * null, and the PostgreSQL half of the suite is skipped with one line saying why.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv !== undefined && fromEnv !== '') {
    project.provide('postgresUrl', fromEnv);
    return;
  }
  const bin = await findPostgresBin();
  if (bin === null) {
    project.provide('postgresUrl', null);
    console.log(
      'PostgreSQL half of the suite skipped: DATABASE_URL is unset and no pg_ctl/initdb was found ' +
        'on PATH or under /usr/lib/postgresql/*/bin.',
    );
    return;
  }
  const started = Date.now();
  const cluster = await startThrowawayPostgres(bin);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`PostgreSQL ${cluster.version} test cluster at ${cluster.url} (started in ${seconds} s)`);
  project.provide('postgresUrl', cluster.url);
  return cluster.stop;
}
