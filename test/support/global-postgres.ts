import { execFile, execFileSync } from 'node:child_process';
import { constants, rmSync } from 'node:fs';
import { access, appendFile, chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server URL whose user may create databases; null when that half is skipped. */
    postgresUrl: string | null;
  }
}

const run = promisify(execFile);

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
  const cluster = await startCluster(bin);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`PostgreSQL ${cluster.version} test cluster at ${cluster.url} (started in ${seconds} s)`);
  project.provide('postgresUrl', cluster.url);
  return cluster.stop;
}

/** The folder holding pg_ctl and initdb: PATH first, then the highest /usr/lib/postgresql/N/bin. */
async function findPostgresBin(): Promise<string | null> {
  const onPath = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  const debian = '/usr/lib/postgresql';
  const versions = await readdir(debian).catch(() => [] as string[]); // absent: not Debian-style
  const installed = versions
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(debian, v, 'bin'));
  for (const dir of [...onPath, ...installed]) {
    if ((await isExecutable(join(dir, 'pg_ctl'))) && (await isExecutable(join(dir, 'initdb')))) {
      return dir;
    }
  }
  return null;
}

interface Cluster {
  readonly url: string;
  readonly version: string;
  readonly stop: () => Promise<void>;
}

async function startCluster(bin: string): Promise<Cluster> {
  // PostgreSQL refuses to run as root, so as root (CI) the binaries run as the postgres user.
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? await postgresUser() : null;
  const root = await mkdtemp(join(tmpdir(), 'fastchat-pg-'));
  const data = join(root, 'data');
  const log = join(root, 'postgres.log');
  const command = (tool: string, args: string[]): [string, string[]] =>
    asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]]
      : [join(bin, tool), args];
  const pg = (tool: string, args: string[]) =>
    run(...command(tool, args), { cwd: root, timeout: 120_000 });

  // On Ctrl-C or SIGTERM vitest calls process.exit() without running globalSetup teardowns; this
  // synchronous hook stops the cluster then. (Only a SIGKILL of vitest can still leave it behind.)
  const stopAtExit = (): void => {
    try {
      execFileSync(...command('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']), {
        cwd: root,
        stdio: 'ignore',
        timeout: 30_000,
      });
    } catch {
      // Not running (never started, or already stopped): nothing to stop, only files to remove.
    }
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', stopAtExit);

  const stop = async (): Promise<void> => {
    process.off('exit', stopAtExit);
    try {
      await pg('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']);
    } catch {
      // Not started (setup failed early) or already stopped; an immediate stop is the last resort
      // before deleting the folder, and failing that too means there is nothing left to stop.
      await pg('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']).catch(() => undefined);
    }
    await rm(root, { recursive: true, force: true });
  };

  try {
    if (owner !== null) await chown(root, owner.uid, owner.gid);
    // Trust auth on 127.0.0.1 and a socket in our own folder: nothing outside this machine, nor
    // another user's cluster, is involved. --no-sync only skips flushing initdb's own files.
    const settings = ['-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C'];
    await pg('initdb', ['-D', data, ...settings, '--no-sync']);
    await appendFile(
      join(data, 'postgresql.conf'),
      `\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${root}'\n` +
        // fsync stays on: later tests check that acknowledged messages survive a crash.
        'fsync = on\n',
    );
    const version = (await readFile(join(data, 'PG_VERSION'), 'utf8')).trim();
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        await pg('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '60', '-o', `-p ${port}`]);
        return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, version, stop };
      } catch (error) {
        // Another process may take the port between freePort() and the bind: try another one.
        const serverLog = await readFile(log, 'utf8').catch(() => '');
        if (attempt < 3 && serverLog.includes('already in use')) continue;
        const detail = error instanceof Error ? error.message : String(error);
        throw new Error(`${detail}\nserver log:\n${serverLog || '(empty)'}`, { cause: error });
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  try {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    return { uid, gid };
  } catch (error) {
    throw new Error(
      'running as root, PostgreSQL needs a "postgres" user to run as: create one ' +
        '(useradd --system postgres, as .ci/run does) or set DATABASE_URL',
      { cause: error },
    );
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}
