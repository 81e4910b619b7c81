import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { generateIdentityKey } from '../../src/crypto/identity.js';
import { encryptPrivateKeyPem } from '../../src/crypto/private-key-pem.js';
import { freeConsecutivePorts, freePorts } from '../../bench/support/free-ports.js';
import { seedPgliteDir } from './pglite-template.js';
import { passwordOf } from './passwords.js';

export { freeConsecutivePorts, freePorts };

export const BIN_DIR = fileURLToPath(new URL('../../bin/', import.meta.url));

export interface BinResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs bin/<name> with `args` to completion (the compiled CLI: `make test` builds first). */
export function runBin(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<BinResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN_DIR + name, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A long-running bin whose stderr can be waited on. */
export interface RunningBin {
  readonly child: ChildProcess;
  stderr(): string;
  stdout(): string;
  /** Resolves once stderr matches `pattern`; rejects if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startBin(name: string, args: string[], env: NodeJS.ProcessEnv = {}): RunningBin {
  const child = spawn(BIN_DIR + name, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stderr.on('data', (c) => (stderr += c));
  child.stdout.on('data', (c) => (stdout += c));
  return {
    child,
    stderr: () => stderr,
    stdout: () => stdout,
    waitFor: (pattern, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = stderr.match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          }
        };
        const onExit = () => {
          cleanup();
          reject(new Error(`${name} exited before printing ${pattern}:\n${stderr}`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms:\n${stderr}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          child.stderr.off('data', check);
          child.off('exit', onExit);
        };
        child.stderr.on('data', check);
        child.once('exit', onExit);
        check();
      }),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Starts the real fastchat-server process with `args` and resolves once it says it is ready. */
export async function startServerBin(args: string[], readyTimeoutMs?: number): Promise<RunningBin> {
  const server = startBin('fastchat-server', args);
  try {
    // A fresh embedded database takes a while to create on a loaded machine.
    await server.waitFor(/fastchat-server ready/, readyTimeoutMs ?? 60_000);
  } catch (error) {
    await server.stop('SIGKILL');
    throw error;
  }
  return server;
}

/**
 * fastchat-server on two free node ports and a free coordinator port, embedded database in `dataDir`
 * (seeded from the PGlite template when missing or empty).
 */
export async function startServerOnFreePorts(dataDir: string): Promise<{ server: RunningBin; coordinator: number }> {
  await seedPgliteDir(dataDir);
  // A free port is free when probed; a file running beside this one can take it before the server
  // binds. The server then says so and exits, and another set of ports is tried: that is the race,
  // not a failure of what is tested.
  for (let attempt = 1; ; attempt++) {
    const [a, b, coordinator] = await freePorts(3);
    try {
      const server = await startServerBin(['--ports', `${a},${b}`, '--coordinator-port', String(coordinator), '--data-dir', dataDir]);
      return { server, coordinator: coordinator! };
    } catch (error) {
      if (attempt >= 5 || !/is already in use/.test(String(error))) throw error;
    }
  }
}

/** A real fastchat-server for a whole test file, and the `fastchat` CLI run against it from one home per user. */
export interface ServerBinWorld {
  /** The temp folder holding the server's data and every user's home (removed after all). */
  readonly root: string;
  readonly coordinator: number;
  /** The home folder of `user` (under root). */
  home(user: string): string;
  /** `fastchat --user <user> <args>` from the user's home, the password (passwordOf(user) unless given) in FASTCHAT_PASSWORD. */
  fastchat(user: string, args: string[], password?: string): Promise<BinResult>;
  /** A fresh identity key in a file under root, sealed with passwordOf(user): what `fastchat keys import` takes. */
  newKeyFile(user: string): Promise<string>;
}

/**
 * Registers beforeAll (a temp root and a server on free ports) and afterAll (`teardown` first, then
 * the server stopped and the root removed). Read root and coordinator inside tests, after beforeAll.
 */
export function useServerBin(prefix: string, teardown: () => void = () => {}): ServerBinWorld {
  let server: RunningBin | undefined;
  let root = '';
  let coordinator = 0;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), prefix));
    ({ server, coordinator } = await startServerOnFreePorts(join(root, 'server')));
  }, 60_000);
  afterAll(async () => {
    teardown();
    await server?.stop('SIGTERM');
    if (root) await rm(root, { recursive: true, force: true });
  });
  const world: ServerBinWorld = {
    get root() {
      return root;
    },
    get coordinator() {
      return coordinator;
    },
    home: (user) => join(root, user),
    fastchat: (user, args, password = passwordOf(user)) =>
      runBin('fastchat', ['--server', `127.0.0.1:${coordinator}`, '--home', join(root, user), '--user', user, ...args], {
        FASTCHAT_PASSWORD: password,
      }),
    newKeyFile: async (user) => {
      const file = join(root, `${user}-new-key.pem`);
      await writeFile(file, encryptPrivateKeyPem(await generateIdentityKey(), passwordOf(user)));
      return file;
    },
  };
  return world;
}
