import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { BIN_DIR, type RunningBin } from './run-bin.js';

const run = promisify(execFile);

/**
 * Hosts for tests as Linux network namespaces on one bridge (DESIGN.md § Scale-out): each namespace
 * has its own address and its own ports, so server processes started in them are separate hosts as
 * far as the network goes, and the test process (in the root namespace) reaches them at their
 * addresses. Needs root and iproute2; `netnsUnavailable()` says plainly why not when it cannot.
 */

/** Why this machine cannot make network namespaces, or undefined when it can. Tries it once, for real. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `network namespaces are Linux-only (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'not running as root: creating network namespaces needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN)';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'the ip command (iproute2) is not installed';
  }
  const id = randomBytes(3).toString('hex');
  const ns = `fastchat-probe-${id}`;
  const commands = [
    ['netns', 'add', ns],
    ['link', 'add', `fcpr${id}`, 'type', 'veth', 'peer', 'name', `fcpp${id}`, 'netns', ns],
    ['link', 'add', `fcpb${id}`, 'type', 'bridge'],
  ];
  try {
    for (const args of commands) {
      try {
        execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
      } catch (error) {
        const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
        return `"ip ${args.join(' ')}" failed${stderr ? `: ${stderr}` : ''} (a container without CAP_SYS_ADMIN / CAP_NET_ADMIN?)`;
      }
    }
    return undefined;
  } finally {
    for (const args of [
      ['link', 'del', `fcpb${id}`],
      ['link', 'del', `fcpr${id}`],
      ['netns', 'del', ns],
    ]) {
      try {
        execFileSync('ip', args, { stdio: 'ignore', timeout: 10_000 });
      } catch {
        // Not created: nothing to remove.
      }
    }
  }
}

/** One namespace: a host on the test network. */
export interface Host {
  readonly namespace: string;
  readonly address: string;
}

export interface TestNetwork {
  /** The root namespace's address on the bridge (where the test process, and so its relays, are reached). */
  readonly rootAddress: string;
  readonly hosts: readonly Host[];
  /** Deletes the namespaces (their veth pairs go with them) and the bridge. Safe to call twice. */
  remove(): Promise<void>;
}

/**
 * A bridge in the root namespace with `count` namespaces on it, on a /24 of 10.77.0.0/16 that no
 * interface of this machine uses: the root namespace is .1, the hosts .2, .3, … Names are unique per
 * call, and everything is removed by remove(), or at the latest when the process exits.
 */
export async function createTestNetwork(count: number): Promise<TestNetwork> {
  const id = randomBytes(3).toString('hex');
  const subnet = await unusedSubnet();
  const bridge = `fcbr${id}`;
  const hosts = Array.from({ length: count }, (_, i) => ({
    namespace: `fastchat-${id}-${i}`,
    address: `${subnet}.${i + 2}`,
    veth: `fcv${i}${id}`,
    peer: `fcp${i}${id}`,
  }));
  const ip = (...args: string[]) => run('ip', args, { timeout: 10_000 });
  const removeSync = (): void => {
    for (const args of [...hosts.map((h) => ['netns', 'del', h.namespace]), ['link', 'del', bridge]]) {
      try {
        execFileSync('ip', args, { stdio: 'ignore', timeout: 10_000 });
      } catch {
        // Already gone (or never made).
      }
    }
  };
  // Vitest exits without running hooks on Ctrl-C: take the namespaces down with the process.
  process.once('exit', removeSync);
  let removed = false;
  const remove = async (): Promise<void> => {
    if (removed) return;
    removed = true;
    process.off('exit', removeSync);
    for (const args of [...hosts.map((h) => ['netns', 'del', h.namespace]), ['link', 'del', bridge]]) {
      await ip(...args).catch(() => undefined);
    }
  };
  try {
    await ip('link', 'add', bridge, 'type', 'bridge');
    await ip('addr', 'add', `${subnet}.1/24`, 'dev', bridge);
    await ip('link', 'set', bridge, 'up');
    for (const host of hosts) {
      await ip('netns', 'add', host.namespace);
      await ip('link', 'add', host.veth, 'type', 'veth', 'peer', 'name', host.peer, 'netns', host.namespace);
      await ip('link', 'set', host.veth, 'master', bridge);
      await ip('link', 'set', host.veth, 'up');
      await ip('-n', host.namespace, 'addr', 'add', `${host.address}/24`, 'dev', host.peer);
      await ip('-n', host.namespace, 'link', 'set', host.peer, 'up');
      await ip('-n', host.namespace, 'link', 'set', 'lo', 'up');
    }
  } catch (error) {
    await remove();
    throw error;
  }
  return { rootAddress: `${subnet}.1`, hosts: hosts.map(({ namespace, address }) => ({ namespace, address })), remove };
}

/** `10.77.N` for an N whose /24 no address or route of this machine is in. */
async function unusedSubnet(): Promise<string> {
  const { stdout } = await run('ip', ['-4', '-o', 'addr', 'show']);
  const { stdout: routes } = await run('ip', ['-4', 'route', 'show']);
  for (let tries = 0; tries < 50; tries++) {
    const subnet = `10.77.${randomInt(1, 255)}`;
    if (!stdout.includes(` ${subnet}.`) && !routes.includes(`${subnet}.`)) return subnet;
  }
  throw new Error('no free /24 in 10.77.0.0/16 for the test network');
}

/** bin/fastchat-server run inside a namespace (`ip netns exec`), resolved once it says it is ready. */
export async function startServerIn(host: Host, args: string[]): Promise<RunningBin> {
  // ip netns exec execs the command itself, so the child is the server process: a signal reaches it.
  const child = spawn('ip', ['netns', 'exec', host.namespace, `${BIN_DIR}fastchat-server`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.on('error', (error) => (stderr += `cannot run ip netns exec: ${error.message}\n`));
  child.stderr.on('data', (c) => (stderr += c));
  child.stdout.on('data', (c) => (stdout += c));
  const waitFor = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`fastchat-server in ${host.namespace} did not print ${pattern} within ${timeoutMs} ms:\n${stderr}`)),
        timeoutMs,
      );
      const check = () => {
        const match = stderr.match(pattern);
        if (match) done(undefined, match);
      };
      const onExit = () => done(new Error(`fastchat-server in ${host.namespace} exited before printing ${pattern}:\n${stderr}`));
      const done = (error: Error | undefined, match?: RegExpMatchArray) => {
        clearTimeout(timer);
        child.stderr.off('data', check);
        child.off('exit', onExit);
        if (error) reject(error);
        else resolve(match!);
      };
      child.stderr.on('data', check);
      child.once('exit', onExit);
      check();
    });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  const server: RunningBin = { child, stderr: () => stderr, stdout: () => stdout, waitFor, stop };
  try {
    await waitFor(/fastchat-server ready/);
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
  return server;
}

/**
 * A TCP relay listening on `host` (an address of the root namespace, e.g. the bridge's) to
 * `target`: how the namespaces reach a server that listens on 127.0.0.1 only, like the suite's
 * PostgreSQL (test/support/global-postgres.ts), which sees the relay's connections as local ones.
 */
export async function tcpRelay(host: string, target: { host: string; port: number }): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = connect(target);
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      sockets.forEach((s) => s.destroy());
      await closed;
    },
  };
}
