import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { socketPair } from '../support/socket-pair.js';
import { setImmediate as turn } from 'node:timers/promises';
import type { ConnectionInfo } from '../../src/server/chat-server.js';
import { listen } from '../../src/server/ports/listen.js';
import { FramedPeer } from './framed-peer.js';
import { checkStore } from './invariants.js';
import { chunksOf, scriptAt, type Script } from './scripts.js';
import { openFuzzWorld, type FuzzWorld } from './world.js';
import { seedAccounts } from './seed.js';
import { heapUsedAfterGc } from './heap.js';

export interface FuzzOptions {
  readonly seed: number;
  /** Stop after this many cases (one case: one request frame or legacy object, mutated or not). */
  readonly cases: number;
  /** Or after this many seconds, whichever comes first. */
  readonly seconds?: number;
  /** Connections open at once. @default 50 */
  readonly connections?: number;
  /** In-memory duplex pairs into ChatServer.handle, or real sockets through the real listener. @default 'memory' */
  readonly transport?: 'memory' | 'tcp';
  /** Only these script indexes (to replay a failure). */
  readonly only?: readonly number[];
  /** Longest wait for a connection's replies before it counts as a hang. @default 10 s */
  readonly settleMs?: number;
}

export interface FuzzFailure {
  readonly seed: number;
  readonly script: number;
  readonly kind: string;
  readonly violations: readonly string[];
}

export interface FuzzReport {
  readonly seed: number;
  readonly cases: number;
  readonly scripts: number;
  readonly seconds: number;
  readonly failures: FuzzFailure[];
  /** Server lines logged at error level: unexpected handler failures. */
  readonly errorLogs: readonly string[];
  /** Broken store rules after the run. */
  readonly storeViolations: readonly string[];
  /** Heap used after a full GC, sampled every 500 scripts. */
  readonly heapSamples: readonly number[];
  readonly connectionsLeft: number;
}

const INFO: Record<Script['kind'], ConnectionInfo> = {
  framed: { role: 'node', port: 1 },
  'framed-coordinator': { role: 'coordinator' },
  legacy: { role: 'node', port: 1 },
  'legacy-coordinator': { role: 'coordinator' },
  garbage: { role: 'node', port: 1 },
};

/**
 * Runs the session fuzzer: `connections` peers at once, each playing generated scripts one after
 * another against one server, until `cases` or `seconds` run out; then checks the store. Scripts are
 * numbered and each is generated from (seed, number) alone, so a failing one can be replayed with
 * `only` (the other connections' interleaving is not replayed).
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const world = await openFuzzWorld();
  try {
    return await fuzzWorld(world, options);
  } finally {
    await world.close();
  }
}

async function fuzzWorld(world: FuzzWorld, options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const deadline = options.seconds === undefined ? Infinity : started + options.seconds * 1000;
  const listening =
    options.transport === 'tcp'
      ? await listen(world.core, world.services.load, world.services.logger, { host: '127.0.0.1', ports: [0], coordinatorPort: 0 })
      : undefined;
  const open = async (kind: Script['kind']): Promise<Duplex> => {
    if (!listening) {
      const [client, server] = socketPair();
      world.core.handle(server, INFO[kind]);
      return client;
    }
    const port = INFO[kind].role === 'coordinator' ? listening.coordinatorPort : listening.ports[0]!;
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
      socket.once('error', reject);
    });
  };
  await seedAccounts(open);

  const failures: FuzzFailure[] = [];
  const heapSamples: number[] = [];
  const queue = options.only ? [...options.only] : undefined;
  let nextScript = 0;
  let cases = 0;
  let scripts = 0;
  const take = (): number | undefined => {
    if (queue) return queue.shift();
    if (cases >= options.cases || Date.now() > deadline) return undefined;
    if (nextScript % 500 === 499) heapSamples.push(heapUsedAfterGc());
    return nextScript++;
  };
  const worker = async () => {
    for (let index = take(); index !== undefined; index = take()) {
      const script = scriptAt(options.seed, index);
      cases += script.actions.length;
      scripts++;
      const violations = await play(script, await open(script.kind), options.settleMs ?? 10_000);
      if (violations.length) failures.push({ seed: options.seed, script: index, kind: script.kind, violations });
    }
  };
  await Promise.all(Array.from({ length: options.connections ?? 50 }, worker));
  await listening?.close();
  // Let logouts on close and queued commits finish before the store is read.
  await world.services.writer.close();
  await new Promise((resolve) => setTimeout(resolve, 200));
  return {
    seed: options.seed,
    cases,
    scripts,
    seconds: (Date.now() - started) / 1000,
    failures,
    errorLogs: [...world.errorLogs],
    storeViolations: await checkStore(world.database),
    heapSamples,
    connectionsLeft: world.core.connectionCount,
  };
}

/** Plays one script on one connection and returns what went wrong. */
async function play(script: Script, stream: Duplex, settleMs: number): Promise<string[]> {
  const framed = script.kind === 'framed' || script.kind === 'framed-coordinator' ? new FramedPeer(stream) : undefined;
  const closed = framed?.closed ?? new Promise<void>((resolve) => stream.once('close', () => resolve()));
  if (!framed) {
    stream.resume(); // legacy and garbage replies are read and dropped: there is no ledger for them
    stream.on('error', () => {}); // a reset after the server ends a bad stream; 'close' follows
    stream.once('end', () => stream.end());
  }
  let held: Buffer[] = [];
  for (const action of script.actions) {
    held.push(action.bytes);
    if (action.coalesce) continue;
    const chunks = chunksOf(Buffer.concat(held), action.cuts);
    held = [];
    if (framed) framed.write(chunks);
    else for (const c of chunks) if (c.length && !stream.destroyed && !stream.writableEnded) stream.write(c);
    await turn(); // interleave with the other connections
  }
  if (held.length) {
    const rest = Buffer.concat(held);
    if (framed) framed.write([rest]);
    else if (!stream.destroyed && !stream.writableEnded) stream.write(rest);
  }
  const violations: string[] = [];
  if (framed) {
    await framed.settle(settleMs);
    framed.finish();
    violations.push(...framed.violations);
  }
  stream.end();
  // The timer is cleared when the connection closes: left to run, it held the connection (both
  // ends of an in-memory pair, with the server's session) for settleMs after it had gone, and the
  // heap check saw ten seconds' worth of closed connections as growth.
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), settleMs).unref()));
  const outcome = await Promise.race([closed, hang]);
  clearTimeout(timer);
  if (outcome === 'hang') {
    violations.push('connection did not close after the client ended it');
    stream.destroy();
  }
  return violations;
}
