import type { Duplex } from 'node:stream';
import type { Database } from '../store/database.js';
import { openDatabase } from '../store/open-database.js';
import { SqlChatStore } from '../store/sql-chat-store.js';
import type { Logger } from '../util/logger.js';
import { ChatServer, type ConnectionInfo } from './chat-server.js';
import { listen, type ConnectionSink, type Listening, type ListenTls } from './ports/listen.js';
import { AddressLimit } from './limits/address-limit.js';
import { PortLoad } from './ports/port-load.js';
import { createServices } from './services.js';
import { Cluster, type ClusterOptions } from './cluster/cluster.js';
import { applyClusterEvent, resyncAll } from './cluster/cluster-relay.js';
import { listenMetrics, type MetricsListening } from './observability/metrics-listener.js';
import { ServerMetrics } from './observability/server-metrics.js';
import { Presence } from './delivery/presence.js';
import { announce } from './session/session-lifecycle.js';
import { addStateGauges } from './observability/state-gauges.js';

export interface StartServerOptions {
  readonly host: string;
  readonly ports: readonly number[];
  readonly coordinatorPort: number;
  /** PostgreSQL URL; when absent the embedded database in `dataDir` is used. */
  readonly databaseUrl: string | undefined;
  /** Folder of the embedded database. */
  readonly dataDir: string;
  readonly maxFrameBytes: number;
  readonly advertiseHost?: string | undefined;
  /** Serve the 2022 legacy clients. @default true */
  readonly legacy?: boolean;
  /** Serve TLS to modern clients on every port (legacy clients stay plain); absent: plain TCP. */
  readonly tls?: ListenTls | undefined;
  /** Per-connection and per-user limits (protocol.md § Limits); each absent one keeps its default. */
  readonly limits?: ServerLimits;
  /** Heartbeat timing of the node registry, used with a server database (`databaseUrl`). */
  readonly cluster?: ClusterOptions;
  readonly logger: Logger;
  /** Serve GET /metrics and /healthz over HTTP here (`--metrics-port`, `--metrics-host`); absent: no metrics port. */
  readonly metrics?: { readonly host: string; readonly port: number } | undefined;
}

/** The limits an operator may set (`fastchat-server` flags); the defaults are in src/protocol/limits.ts. */
export interface ServerLimits {
  /** Sends per second per user, sustained; 0 for no limit. @default 50 */
  readonly sendRatePerS?: number;
  /** Sends a user may make at once. @default 1,000 */
  readonly sendBurst?: number;
  /** Other requests per second per logged-in user, sustained; 0 for no pace. @default 10 */
  readonly requestRatePerS?: number;
  /** Other requests a user may start at once. @default 20 */
  readonly requestBurst?: number;
  /** `login`, `signup` and `resume` per second per address, sustained; 0 for no pace. @default 5 */
  readonly loginRatePerS?: number;
  /** Logins an address may start at once. @default 20 */
  readonly loginBurst?: number;
  /** @default 256; 0 for no limit */
  readonly maxConnectionsPerAddress?: number;
  /** @default 30 s; 0 for never */
  readonly loginTimeoutMs?: number;
  /** @default 10 s; 0 for never */
  readonly coordinatorTimeoutMs?: number;
  /** Time a frame may take from its first byte to its last. @default 60 s */
  readonly frameTimeoutMs?: number;
  /** @default 8 MiB */
  readonly maxOutboundBytes?: number;
}

export interface RunningServer {
  readonly listening: Listening;
  readonly database: Database;
  readonly core: ChatServer;
  /** The metrics port, when one was asked for. */
  readonly metrics: MetricsListening | undefined;
  /** Graceful stop: stop accepting, commit and acknowledge what is queued, end every connection, close the database. */
  close(): Promise<void>;
}

/** Group commits in flight on a server database (measured in docs/benchmarks.md § dm-storm). */
const COMMITS_IN_FLIGHT = 3;

/**
 * Holds connections accepted before the core exists (while the database opens) and hands them over
 * when it does; the sockets stay paused meanwhile, so nothing they send is lost.
 */
class HoldingSink implements ConnectionSink {
  #core: ChatServer | undefined;
  readonly #held: Array<[Duplex, ConnectionInfo]> = [];

  handle(stream: Duplex, info: ConnectionInfo): void {
    if (this.#core) return this.#core.handle(stream, info);
    // Until the core owns it, a reset must not surface as an unhandled 'error'.
    stream.on('error', () => stream.destroy());
    this.#held.push([stream, info]);
  }

  release(core: ChatServer): void {
    this.#core = core;
    for (const [stream, info] of this.#held.splice(0)) {
      if (stream.destroyed) continue;
      core.handle(stream, info);
      // The TLS listener pauses a plain connection to sniff it; a 'data' listener alone would not resume it.
      stream.resume();
    }
  }

  dropAll(): void {
    for (const [stream] of this.#held.splice(0)) stream.destroy();
  }
}

/**
 * Binds every port first, so a port conflict is reported at once rather than after the embedded
 * database has spent seconds starting, then opens the database and starts serving.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const limits = options.limits ?? {};
  const load = new PortLoad();
  const sink = new HoldingSink();
  // Made first: the listener counts what it refuses (tls_required) from its first connection on.
  const serverMetrics = new ServerMetrics();
  // One per-address count for the listener (which counts TLS connections from their accept) and the core.
  const addresses = new AddressLimit(limits.maxConnectionsPerAddress);
  const listening = await listen(sink, load, options.logger, { ...options, onRefused: (code) => serverMetrics.errorSent(code), addresses });
  let database: Database;
  try {
    database = await openDatabase({ url: options.databaseUrl, dataDir: options.dataDir });
  } catch (error) {
    sink.dropAll();
    await listening.close();
    throw error;
  }
  const store = new SqlChatStore(database);
  // What the cluster and the services both need comes first: this node's sessions, then (with a
  // server database, which other processes may share) its membership of the deployment.
  const presence = new Presence();
  const cluster =
    database.kind === 'postgres'
      ? new Cluster(store, load, options.advertiseHost ?? publicHost(options.host), options.logger, presence, options.cluster)
      : undefined;
  const services = createServices({
    logger: options.logger,
    load,
    store,
    presence,
    cluster,
    maxFrameBytes: options.maxFrameBytes,
    advertiseHost: options.advertiseHost,
    listenHost: options.host,
    // PostgreSQL flushes one batch while the next is written on another connection; PGlite has one.
    commitsInFlight: database.kind === 'postgres' ? COMMITS_IN_FLIGHT : 1,
    sendRate: definedOnly({ perSecond: limits.sendRatePerS, burst: limits.sendBurst }),
    requestPace: definedOnly({ perSecond: limits.requestRatePerS, burst: limits.requestBurst }),
    loginPace: definedOnly({ perSecond: limits.loginRatePerS, burst: limits.loginBurst }),
    metrics: serverMetrics,
  });
  if (cluster) {
    const log = (error: unknown) => options.logger.error('applying a cluster event failed', { error: String(error) });
    try {
      // Its first heartbeat may already reap dead nodes and announce their users offline.
      await cluster.start({
        onEvent: (event) => void applyClusterEvent(services, event).catch(log),
        onResync: () => void resyncAll(services).catch(log),
        announcePresence: (userId, online, lastSeen) => announce(services, userId, online, lastSeen),
      });
    } catch (error) {
      sink.dropAll();
      await Promise.all([listening.close(), store.close()]);
      throw error;
    }
  }
  const core = new ChatServer(services, {
    legacy: options.legacy ?? true,
    addresses,
    ...definedOnly({
      loginTimeoutMs: limits.loginTimeoutMs,
      coordinatorTimeoutMs: limits.coordinatorTimeoutMs,
      frameTimeoutMs: limits.frameTimeoutMs,
      maxOutboundBytes: limits.maxOutboundBytes,
    }),
  });
  let closing: Promise<void> | undefined;
  addStateGauges(services, core, database.kind, () => closing !== undefined);
  let metrics: MetricsListening | undefined;
  if (options.metrics) {
    try {
      metrics = await listenMetrics({
        ...options.metrics,
        registry: services.metrics.registry,
        serving: () => closing === undefined,
        logger: options.logger,
      });
    } catch (error) {
      sink.dropAll();
      await Promise.all([cluster?.stop(), listening.close(), store.close()]);
      throw error;
    }
  }
  sink.release(core);
  return {
    listening,
    database,
    core,
    metrics,
    close: () =>
      (closing ??= (async () => {
        // Leave the registry first, so other nodes stop sending clients here.
        await cluster?.stop().catch((error: unknown) => options.logger.warn('leaving the node registry failed', { error: String(error) }));
        const stopped = listening.close();
        await core.close();
        await stopped;
        await store.close();
        // Last, so /healthz answers 503 for the whole shutdown.
        await metrics?.close();
      })()),
  };
}

/** The host other nodes' clients should dial when none is advertised: the listen host, unless it is a wildcard. */
function publicHost(listenHost: string): string {
  return listenHost === '0.0.0.0' || listenHost === '::' || listenHost === '' ? '127.0.0.1' : listenHost;
}

/** `fields` without its undefined entries, so spreading it over defaults keeps the defaults. */
function definedOnly<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
