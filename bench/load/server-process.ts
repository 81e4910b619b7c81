import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../support/package-root.js';

const SERVER_BIN = join(packageRoot(), 'bin', 'fastchat-server');
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds and resident memory of a process and every process below it (the workers). */
export interface ProcessUsage {
  readonly cpuSeconds: number;
  readonly rssBytes: number;
}

/** The real fastchat-server, started for a benchmark and measured through /proc. */
export interface ServerProcess {
  readonly pid: number;
  readonly coordinatorPort: number;
  usage(): ProcessUsage;
  stop(): Promise<void>;
  /** SIGKILL, as a node dies: nothing is drained or closed cleanly. Resolves once it has exited. */
  kill(): Promise<void>;
  /** Resolves when the process has exited, however (a crash included). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last few kilobytes it wrote to stderr. */
  stderrTail(): string;
}

/**
 * Starts bin/fastchat-server with `args` and resolves once it says it is ready. Always with
 * --plaintext: the load clients are the client library, which speaks plain TCP unless given TLS, and
 * the figures are those of the plain path (docs/benchmarks.md says so).
 */
export async function startServerProcess(serverArgs: string[], coordinatorPort: number): Promise<ServerProcess> {
  const args = ['--plaintext', ...serverArgs];
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": node flags for the server alone
  // (node refuses --cpu-prof in NODE_OPTIONS, and the load generator need not be profiled too).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  const child =
    nodeArgs.length > 0
      ? spawn(process.execPath, [...nodeArgs, SERVER_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn(SERVER_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let ready = false;
  // Drained all along, so a chatty server never blocks on a full pipe; once it is up only the tail
  // is kept, which explains a crash.
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (ready) stderr = stderr.slice(-4096);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fastchat-server did not start within 60 s:\n${stderr}`));
    }, 60_000);
    child.stderr.on('data', () => {
      if (!ready && /fastchat-server ready/.test(stderr)) {
        ready = true;
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fastchat-server exited with ${code}:\n${stderr}`));
    });
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    exited,
    stderrTail: () => stderr,
    pid: child.pid!,
    coordinatorPort,
    usage: () => treeUsage(child.pid!),
    stop: () => stopChild(child),
    kill: () => stopChild(child, 'SIGKILL'),
  };
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Sums /proc/PID/stat CPU time (its own and its ended children's) and /proc/PID/status VmRSS over `root` and its descendants. */
export function treeUsage(root: number): ProcessUsage {
  const parents = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name: state ppid … utime(14) stime(15).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
      // utime + stime, and cutime + cstime: the CPU of its children that have ended (a PostgreSQL
      // backend that exits mid-phase), which would otherwise drop out of the sum.
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]));
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, parent] of parents) {
      if (tree.has(parent) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let cpuTicks = 0;
  let rssBytes = 0;
  for (const pid of tree) {
    cpuTicks += ticks.get(pid) ?? 0;
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      rssBytes += match ? Number(match[1]) * 1024 : 0;
    } catch {
      // Gone meanwhile.
    }
  }
  return { cpuSeconds: cpuTicks / TICKS_PER_SECOND, rssBytes };
}
