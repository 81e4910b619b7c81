import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../src/store/open-database.js';
import { readSchemaSql } from '../../src/store/schema.js';
import { startServerProcess, type ServerProcess } from '../load/server-process.js';
import { freePorts } from '../support/free-ports.js';
import type { ThrowawayPostgres } from '../support/throwaway-postgres.js';
import { startCoordinatorProxy, type CoordinatorProxy } from './coordinator-proxy.js';
import type { ConversationInfo, RowKind, StoredRow } from './history.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export type Topology = 'postgres' | 'pglite';

/** One `fastchat-server` process of the run: one node port, its own coordinator, a proxy in front. */
export interface ChaosNode {
  readonly name: string;
  /** Its ports: new ones when another process took one before the node bound it (startNode). */
  port: number;
  coordinatorPort: number;
  /** What the clients dial for this node (the coordinator proxy names it). */
  readonly clientProxy: TcpProxy;
  process: ServerProcess | undefined;
}

/**
 * The servers of a chaos run: three nodes on one PostgreSQL (reached through a proxy that can delay
 * and cut), or one node on PGlite; every client connection through a per-node proxy, every route
 * through one coordinator proxy.
 */
export interface ChaosCluster {
  readonly topology: Topology;
  readonly nodes: readonly ChaosNode[];
  readonly coordinator: { readonly host: string; readonly port: number };
  /** Between the servers and PostgreSQL (postgres topology). */
  readonly databaseProxy: TcpProxy | undefined;
  stopNode(node: ChaosNode, signal: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Starts the node again on its ports, retrying while it cannot (its database is down, …) unless `give up` says so. */
  startNode(node: ChaosNode, giveUp?: () => boolean): Promise<void>;
  restartPostgres(mode: 'fast' | 'immediate', whileDown?: () => Promise<void>): Promise<void>;
  /** Stops every node, then reads the rows and direct conversations from the database. */
  stopAndRead(): Promise<{ stored: StoredRow[]; direct: ConversationInfo[] }>;
  /** Removes everything the run made (its database included). */
  dispose(): Promise<void>;
}

export interface ClusterOptions {
  readonly topology: Topology;
  /** postgres: the cluster to make this run's database in (the run restarts it as a fault). */
  readonly postgres?: ThrowawayPostgres;
  /** postgres: how many nodes. @default 3 */
  readonly nodes?: number;
  readonly label: string;
  /** Each node's port and coordinator port, in turn. @default free ones */
  readonly ports?: readonly number[];
  /** Told what happens to the servers that the run did not do (a node that exits by itself). */
  readonly onEvent: (text: string) => void;
}

/**
 * Starts the cluster. Each part started pushes how to stop it; dispose() runs them newest first, and
 * so does a setup that fails halfway: a seed that cannot start leaves no server, proxy or database
 * behind for the next one.
 */
export async function startChaosCluster(options: ClusterOptions): Promise<ChaosCluster> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const disposeAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    return await buildCluster(options, cleanups, disposeAll);
  } catch (error) {
    await disposeAll();
    throw error;
  }
}

async function buildCluster(
  options: ClusterOptions,
  cleanups: Array<() => Promise<unknown>>,
  disposeAll: () => Promise<void>,
): Promise<ChaosCluster> {
  const count = options.topology === 'postgres' ? (options.nodes ?? 3) : 1;
  const ports = options.ports ?? (await freePorts(count * 2));
  // No limits: every client dials from 127.0.0.1 and sends as fast as it likes, and a signup (a scrypt)
  // on a machine under a CPU hog may take longer than the login deadline. `info`: the ready line.
  const common = [
    '--host',
    '127.0.0.1',
    '--max-connections-per-address',
    '0',
    '--send-rate',
    '0',
    '--request-rate',
    '0',
    '--login-rate',
    '0',
    '--login-timeout',
    '0',
    '--log-level',
    'info',
  ];
  let databaseProxy: TcpProxy | undefined;
  let dataDir: string | undefined;
  let adminUrl: string | undefined;
  let url: string | undefined;
  if (options.topology === 'postgres') {
    if (!options.postgres) throw new Error('chaos: the postgres topology needs a PostgreSQL cluster');
    adminUrl = options.postgres.url;
    const name = `chaos_${options.label.replace(/\W/g, '_')}_${process.pid}`;
    await admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin(adminUrl, `CREATE DATABASE ${name}`);
    cleanups.push(() => admin(adminUrl!, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    url = withDatabase(adminUrl, name);
    await admin(url, await readSchemaSql());
    const real = new URL(adminUrl);
    databaseProxy = await startTcpProxy({ host: real.hostname, port: Number(real.port) });
    const proxied = new URL(url);
    proxied.port = String(databaseProxy.port);
    common.push('--db', proxied.toString(), '--node-timeout', '1');
    const proxy = databaseProxy;
    cleanups.push(() => proxy.close());
  } else {
    dataDir = await mkdtemp(join(tmpdir(), 'fastchat-chaos-'));
    common.push('--data-dir', dataDir);
    const dir = dataDir;
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
  }

  const nodes: ChaosNode[] = [];
  for (let i = 0; i < count; i++) {
    // The proxy dials the target's port as it is at each connection: the node may move (startNode).
    const target = { host: '127.0.0.1', port: ports[2 * i]! };
    const clientProxy = await startTcpProxy(target);
    const node: ChaosNode = {
      name: 'ABCDE'[i]!,
      get port() {
        return target.port;
      },
      set port(port) {
        target.port = port;
      },
      coordinatorPort: ports[2 * i + 1]!,
      clientProxy,
      process: undefined,
    };
    nodes.push(node);
    cleanups.push(() => node.clientProxy.close());
  }
  const argsOf = (node: ChaosNode) => ['--ports', String(node.port), '--coordinator-port', String(node.coordinatorPort), ...common];
  const coordinator: CoordinatorProxy = await startCoordinatorProxy(
    () => nodes.filter((n) => n.process).map((n) => n.coordinatorPort),
    (port) => nodes.find((n) => n.port === port)?.clientProxy.port,
  );
  cleanups.push(() => coordinator.close());

  const startNode = async (node: ChaosNode, giveUp: () => boolean = () => false) => {
    for (let attempt = 1; ; attempt++) {
      try {
        const started = await startServerProcess(argsOf(node), node.coordinatorPort);
        node.process = started;
        void started.exited.then(({ code, signal }) => {
          if (node.process !== started) return; // stopped by the run
          node.process = undefined;
          options.onEvent(
            `node ${node.name} exited by itself (${signal ?? `code ${code}`}): ${started.stderrTail().trim().split('\n').slice(-3).join(' | ')}`,
          );
        });
        return;
      } catch (error) {
        if (giveUp() || attempt >= 20) throw error;
        // Another process took a port between freePorts() and the bind (the suite beside the run): move.
        if (error instanceof Error && error.message.includes('already in use'))
          [node.port, node.coordinatorPort] = (await freePorts(2)) as [number, number];
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  };
  const stopNode = async (node: ChaosNode, signal: 'SIGKILL' | 'SIGTERM') => {
    const running = node.process;
    node.process = undefined;
    if (!running) return;
    if (signal === 'SIGKILL') return running.kill();
    // A node that cannot finish its shutdown (its database gone) is killed after a while, as an operator would.
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([
      running.stop().then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 20_000))),
    ]);
    clearTimeout(timer);
    if (!stopped) {
      options.onEvent(`node ${node.name} did not stop within 20 s of SIGTERM: SIGKILL`);
      await running.kill();
    }
  };
  cleanups.push(() => Promise.all(nodes.map((node) => stopNode(node, 'SIGKILL'))));
  await Promise.all(nodes.map((node) => startNode(node)));

  return {
    topology: options.topology,
    nodes,
    coordinator: { host: '127.0.0.1', port: coordinator.port },
    databaseProxy,
    stopNode,
    startNode,
    restartPostgres: async (mode, whileDown) => {
      if (!options.postgres) throw new Error('chaos: no PostgreSQL to restart');
      await options.postgres.restart(mode, whileDown);
    },
    stopAndRead: async () => {
      await Promise.all(nodes.map((node) => stopNode(node, 'SIGTERM')));
      const db = await openDatabase(url === undefined ? { dataDir: dataDir! } : { url, dataDir: '' });
      try {
        const { rows } = await db.query<{
          conversation_id: number;
          seq: number;
          mid: number;
          sender_id: number;
          client_id: string;
          kind: RowKind;
          subject_id: number | null;
        }>('SELECT conversation_id, seq, mid, sender_id, client_id, kind, subject_id FROM messages ORDER BY conversation_id, seq');
        const direct = await db.query<{ id: number; users: number[] }>(
          `SELECT c.id, array_agg(m.user_id ORDER BY m.user_id) AS users FROM conversations c JOIN members m ON m.conversation_id = c.id
           WHERE c.kind = 'direct' GROUP BY c.id`,
        );
        return {
          stored: rows.map((r) => ({
            conversation: Number(r.conversation_id),
            seq: Number(r.seq),
            mid: Number(r.mid),
            sender: Number(r.sender_id),
            cid: r.client_id,
            kind: r.kind,
            subject: r.subject_id === null ? null : Number(r.subject_id),
          })),
          direct: direct.rows.map((r) => ({ conversation: Number(r.id), kind: 'direct' as const, founders: r.users.map(Number) })),
        };
      } finally {
        await db.close();
      }
    },
    dispose: disposeAll,
  };
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
