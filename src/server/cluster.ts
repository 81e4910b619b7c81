import { randomUUID } from 'node:crypto';
import type { ChatStore, NodeRecord } from '../store/chat-store.js';
import type { Database } from '../store/database.js';
import { CLUSTER_CHANNEL, decodeClusterEvent, encodeClusterEvent, type ClusterEvent } from './cluster-events.js';
import type { Logger } from '../util/logger.js';
import type { PortLoad } from './port-load.js';

export interface ClusterOptions {
  /** A node whose last heartbeat is older than this is dead. @default 10000 */
  readonly nodeTimeoutMs?: number;
  /** How often this node heartbeats (and re-reads the live nodes). @default nodeTimeoutMs / 5 */
  readonly heartbeatMs?: number;
}

/**
 * This process's membership of a deployment that shares one PostgreSQL (docs/deploy.md): it
 * registers in the `nodes` table, heartbeats with its connection count, keeps the list of live nodes,
 * and lets the coordinator route each client to the least-loaded live node — the original getPort,
 * made cluster-wide.
 */
export class Cluster {
  readonly id = randomUUID();
  readonly #timeoutMs: number;
  readonly #heartbeatMs: number;
  #nodes: NodeRecord[] = [];
  #timer: NodeJS.Timeout | undefined;
  #rotation = 0;
  #unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly database: Database,
    private readonly store: ChatStore,
    private readonly load: PortLoad,
    private readonly host: string,
    private readonly logger: Logger,
    options: ClusterOptions = {},
  ) {
    this.#timeoutMs = options.nodeTimeoutMs ?? 10_000;
    this.#heartbeatMs = options.heartbeatMs ?? Math.max(100, Math.floor(this.#timeoutMs / 5));
  }

  /** Live nodes as of the last heartbeat, this one included. */
  get nodes(): readonly NodeRecord[] {
    return this.#nodes;
  }

  /**
   * Joins: listens for other nodes' events (`onEvent`; `onResync` after the listener had to reconnect
   * and may have missed some), registers and starts heartbeating.
   */
  async start(onEvent: (event: ClusterEvent) => void, onResync: () => void): Promise<void> {
    if (this.database.listen) {
      this.#unlisten = await this.database.listen(
        CLUSTER_CHANNEL,
        (payload) => {
          const decoded = decodeClusterEvent(payload);
          if (!decoded) return this.logger.warn('ignoring a malformed cluster event', { payload: payload.slice(0, 80) });
          if (decoded.node !== this.id) onEvent(decoded.event);
        },
        () => {
          this.logger.info('cluster listener reconnected; catching up');
          onResync();
        },
      );
    }
    await this.store.registerNode({ id: this.id, host: this.host, ports: this.load.snapshot().map((p) => p.port) });
    await this.#beat();
    this.#timer = setInterval(() => {
      // A failed heartbeat (the database restarting) is logged; the next one tries again.
      this.#beat().catch((error: unknown) => this.logger.warn('heartbeat failed', { node: this.id, error: String(error) }));
    }, this.#heartbeatMs);
    this.#timer.unref();
  }

  /**
   * Where a client should go: undefined when this node is the least loaded (the caller then picks
   * its own least-loaded port), otherwise a port of the least-loaded other node. Load is connections
   * per port, so nodes with more ports take more clients.
   */
  route(): { host: string; port: number } | undefined {
    const ownLoad = this.#loadOf(this.#connections(), this.load.snapshot().length);
    let best: NodeRecord | undefined;
    let bestLoad = ownLoad;
    for (const node of this.#nodes) {
      if (node.id === this.id || node.ports.length === 0) continue;
      const load = this.#loadOf(node.connections, node.ports.length);
      if (load < bestLoad) {
        best = node;
        bestLoad = load;
      }
    }
    if (!best) return undefined;
    const port = best.ports[this.#rotation++ % best.ports.length]!;
    return { host: best.host, port };
  }

  /** Tells the other nodes (fire and forget: a lost event is caught up by the next sync). */
  announce(event: ClusterEvent): void {
    this.database
      .query('SELECT pg_notify($1, $2)', [CLUSTER_CHANNEL, encodeClusterEvent(this.id, event)])
      .catch((error: unknown) => this.logger.warn('cluster notify failed', { event: event.t, error: String(error) }));
  }

  /** Stops heartbeating and listening and leaves the registry, so others stop routing here at once. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#unlisten?.();
    await this.store.removeNode(this.id);
  }

  async #beat(): Promise<void> {
    await this.store.heartbeatNode(this.id, this.#connections());
    this.#nodes = await this.store.liveNodes(this.#timeoutMs);
  }

  #connections(): number {
    return this.load.snapshot().reduce((sum, p) => sum + p.connections, 0);
  }

  #loadOf(connections: number, ports: number): number {
    return ports === 0 ? Infinity : connections / ports;
  }
}
