import { execFile, execFileSync } from 'node:child_process';
import { constants, rmSync } from 'node:fs';
import { access, appendFile, chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { freePorts } from './free-ports.js';

/**
 * A throwaway PostgreSQL cluster from the installed binaries, for the test suite (its globalSetup)
 * and the benchmarks: trust auth on 127.0.0.1 only, a socket in its own folder, removed by stop().
 */

const run = promisify(execFile);

/** The folder holding pg_ctl and initdb: PATH first, then the highest /usr/lib/postgresql/N/bin. */
export async function findPostgresBin(): Promise<string | null> {
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

export interface ThrowawayPostgres {
  readonly url: string;
  /** The postmaster's process id (its backends are its children); a new one after restart(). */
  readonly pid: number;
  readonly version: string;
  readonly stop: () => Promise<void>;
  /**
   * Stops the server (`fast`: backends are told to end; `immediate`: killed, as in a crash, with
   * recovery from the WAL at start), runs `whileDown`, and starts it again on the same port.
   * For fault tests: clients see their connections end and new ones refused while it is down.
   */
  readonly restart: (mode: 'fast' | 'immediate', whileDown?: () => void | Promise<void>) => Promise<void>;
}

export async function startThrowawayPostgres(bin: string): Promise<ThrowawayPostgres> {
  // PostgreSQL refuses to run as root, so as root (CI) the binaries run as the postgres user.
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? await postgresUser() : null;
  const root = await mkdtemp(join(tmpdir(), 'fastchat-pg-'));
  const data = join(root, 'data');
  const log = join(root, 'postgres.log');
  const command = (tool: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
  const pg = (tool: string, args: string[]) => run(...command(tool, args), { cwd: root, timeout: 120_000 });

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
    const postmasterPid = async () => Number((await readFile(join(data, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    for (let attempt = 1; ; attempt++) {
      const [port] = await freePorts(1);
      try {
        await pg('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '60', '-o', `-p ${port}`]);
        let pid = await postmasterPid();
        const restart = async (mode: 'fast' | 'immediate', whileDown?: () => void | Promise<void>): Promise<void> => {
          await pg('pg_ctl', ['stop', '-D', data, '-m', mode, '-w']);
          await whileDown?.();
          // The same port: clients keep their URL. Nobody else takes it in the gap, short of bad luck.
          await pg('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '60', '-o', `-p ${port}`]);
          pid = await postmasterPid();
        };
        return {
          url: `postgres://postgres@127.0.0.1:${port}/postgres`,
          version,
          get pid() {
            return pid;
          },
          stop,
          restart,
        };
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

async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}
