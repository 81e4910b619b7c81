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
  // Each vitest project runs this setup; they share one cluster (started by the first, stopped by
  // the last), kept on globalThis because each project may load this module afresh.
  const shared = globalThis as { fastchatTestPostgres?: { cluster: ReturnType<typeof startThrowawayPostgres>; users: number } };
  if (!shared.fastchatTestPostgres) {
    const started = Date.now();
    const cluster = startThrowawayPostgres(bin);
    shared.fastchatTestPostgres = { cluster, users: 0 };
    const { version, url } = await cluster;
    console.log(`PostgreSQL ${version} test cluster at ${url} (started in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  const entry = shared.fastchatTestPostgres;
  entry.users++;
  const cluster = await entry.cluster;
  project.provide('postgresUrl', cluster.url);
  return async () => {
    if (--entry.users > 0) return;
    shared.fastchatTestPostgres = undefined;
    await cluster.stop();
  };
}
