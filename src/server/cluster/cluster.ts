import { randomUUID } from 'node:crypto';
import { nodeApplicationName, type ChatStore, type NodeRecord } from '../../store/chat-store.js';
import { CLUSTER_CHANNEL, decodeClusterEvent, encodeClusterEvent, type ClusterEvent } from './cluster-events.js';
import type { Logger } from '../../util/logger.js';
import type { Presence } from '../delivery/presence.js';
import { ClusterPresence, type AnnouncePresence } from './cluster-presence.js';
import { NodeLiveness } from './node-liveness.js';
import type { PortLoad } from '../ports/port-load.js';

/** Heartbeats a node may miss before the coordinator stops sending clients to it. */
const SUSPECT_AFTER_BEATS = 2.5;

/**
 * Heartbeats after registering when a node catches up what others did not announce to it: by then
 * every node (heartbeating as often, given the same --node-timeout) has re-read the registry.
 */
const JOIN_CATCH_UP_BEATS = 2;

export interface ClusterOptions {
  /** A node whose last heartbeat is older than this is dead. @default 10000 */
  readonly nodeTimeoutMs?: number;
  /** How often this node heartbeats (and re-reads the live nodes). @default nodeTimeoutMs / 5 */
  readonly heartbeatMs?: number;
}

/** What the cluster tells the rest of the server. */
export interface ClusterHooks {
  /** Another node's event. */
  onEvent(event: ClusterEvent): void;
  /** The listener had to reconnect and may have missed events. */
  onResync(): void;
  /**
   * Tell everyone who can see the user that they came online or went offline: this node made them
   * online somewhere or nowhere, or reaped the dead node that served them, or is leaving itself.
   */
  announcePresence: AnnouncePresence;
}

/**
 * This process's membership of a deployment that shares one PostgreSQL (docs/deploy.md): it
 * registers in the `nodes` table, heartbeats with its connection count, keeps the list of live nodes,
 * and lets the coordinator route each client to the least-loaded live node — the original getPort,
 * made cluster-wide. Each heartbeat also reaps nodes whose heartbeat stopped, so that their users
 * stop looking online (the `presence` table, kept by `presence`).
 */
export class Cluster {
  readonly id = randomUUID();
  readonly presence: ClusterPresence;
  /** Which other nodes still hold their database connection (PostgreSQL server only). */
  readonly liveness: NodeLiveness | undefined;
  readonly #timeoutMs: number;
  readonly #heartbeatMs: number;
  #nodes: NodeRecord[] = [];
  #timer: NodeJS.Timeout | undefined;
  #joinCatchUp: NodeJS.Timeout | undefined;
  #rotation = 0;
  #unlisten: (() => Promise<void>) | undefined;
  #hooks: ClusterHooks | undefined;
  /** The heartbeat in progress: never two at once, and stop waits for it. */
  #beating: Promise<void> | undefined;
  #stopped = false;

  /** `local` is this node's sessions, which its rows in the presence table follow. */
  constructor(
    private readonly store: ChatStore,
    private readonly load: PortLoad,
    private readonly host: string,
    private readonly logger: Logger,
    local: Presence,
    options: ClusterOptions = {},
  ) {
    this.#timeoutMs = options.nodeTimeoutMs ?? 10_000;
    this.#heartbeatMs = options.heartbeatMs ?? Math.max(100, Math.floor(this.#timeoutMs / 5));
    const announce: AnnouncePresence = (userId, online, lastSeen) =>
      this.#hooks ? this.#hooks.announcePresence(userId, online, lastSeen) : Promise.resolve();
    this.presence = new ClusterPresence(store, this.id, this.#timeoutMs, local, logger, announce);
    this.liveness = store.listen
      ? new NodeLiveness(
          store,
          logger,
          () => !this.#stopped && !this.#alone(),
          (ids) =>
            this.#vanished(
              ids.filter((id) => id !== this.id),
              'connection closed',
            ),
        )
      : undefined;
  }

  /** Live nodes as of the last heartbeat, this one included. */
  get nodes(): readonly NodeRecord[] {
    return this.#nodes;
  }

  /**
   * Joins: listens for other nodes' events (`onResync` after the listener had to reconnect and may
   * have missed some), registers and starts heartbeating.
   */
  async start(hooks: ClusterHooks): Promise<void> {
    this.#hooks = hooks;
    if (this.store.listen) {
      this.#unlisten = await this.store.listen(
        CLUSTER_CHANNEL,
        (payload) => {
          const decoded = decodeClusterEvent(payload);
          if (!decoded) return this.logger.warn('ignoring a malformed cluster event', { payload: payload.slice(0, 80) });
          if (decoded.node !== this.id) hooks.onEvent(decoded.event);
        },
        () => {
          this.logger.info('cluster listener reconnected; catching up');
          hooks.onResync();
        },
        // The name other nodes' coordinators look for to know this process is alive (node-liveness.ts).
        nodeApplicationName(this.id),
      );
    }
    await this.#register();
    await this.#beat();
    this.#timer = setInterval(() => {
      // A failed heartbeat (the database restarting) is logged; the next one tries again.
      this.#beating ??= this.#beat()
        .catch((error: unknown) => this.logger.warn('heartbeat failed', { node: this.id, error: String(error) }))
        .finally(() => (this.#beating = undefined));
    }, this.#heartbeatMs);
    this.#timer.unref();
    this.liveness?.start();
  }

  /**
   * Where a client should go: undefined when this node is the least loaded (the caller then picks
   * its own least-loaded port), otherwise a port of the least-loaded other node. Load is connections
   * per port, so nodes with more ports take more clients. Nodes whose database connection is gone
   * (node-liveness.ts) and nodes with a port in `avoid` (the client just failed to reach it) are
   * skipped.
   */
  route(avoid: readonly { host: string; port: number }[] = []): { host: string; port: number } | undefined {
    const ownLoad = this.#loadOf(this.#connections(), this.load.snapshot().length);
    let best: NodeRecord | undefined;
    let bestLoad = ownLoad;
    const lastBeat = this.#nodes.find((node) => node.id === this.id)?.heartbeatAt.getTime();
    for (const node of this.#nodes) {
      if (node.id === this.id || node.ports.length === 0) continue;
      // A node that missed its last heartbeats may have died: until the timeout says so, its frozen
      // load would make it look like the best choice. Skip it (both times are the database clock).
      if (lastBeat !== undefined && lastBeat - node.heartbeatAt.getTime() > SUSPECT_AFTER_BEATS * this.#heartbeatMs) continue;
      if (this.liveness && !this.liveness.mayRoute(node.id)) continue;
      if (avoid.some((a) => a.host === node.host && node.ports.includes(a.port))) continue;
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

  /**
   * Tells the other nodes (fire and forget: a lost event is caught up by the next sync). Nothing is
   * sent while this node is alone: a NOTIFY is a transaction with its own WAL flush, paid per group
   * commit, and a node that joins catches its feeds up once the others know it (#register).
   */
  announce(event: ClusterEvent): void {
    if (this.#alone()) return;
    this.store
      .notify(CLUSTER_CHANNEL, encodeClusterEvent(this.id, event))
      .catch((error: unknown) => this.logger.warn('cluster notify failed', { event: event.t, error: String(error) }));
  }

  /**
   * Stops heartbeating and listening and leaves the registry, so others stop routing here at once;
   * the users online only here are announced offline.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#joinCatchUp);
    this.liveness?.stop();
    await this.#beating;
    await this.#unlisten?.();
    this.presence.leave();
    const gone = await this.store.removeNode(this.id, this.#timeoutMs);
    // Awaited: the users online only here are announced before the database closes.
    await this.presence.announceOffline(gone);
  }

  async #register(): Promise<void> {
    await this.store.registerNode({ id: this.id, host: this.host, ports: this.load.snapshot().map((p) => p.port) });
    // Until the others' next heartbeats they do not know this node and, alone as far as they know,
    // announce nothing (see announce). Once they must have seen it, catch every local feed up.
    clearTimeout(this.#joinCatchUp);
    this.#joinCatchUp = setTimeout(() => {
      if (!this.#stopped && !this.#alone()) this.#hooks?.onResync();
    }, JOIN_CATCH_UP_BEATS * this.#heartbeatMs);
    this.#joinCatchUp.unref();
  }

  /** No other live node as of the last heartbeat: nobody to tell anything. */
  #alone(): boolean {
    return this.#nodes.every((node) => node.id === this.id);
  }

  async #beat(): Promise<void> {
    let reaped = false;
    if (!(await this.store.heartbeatNode(this.id, this.#connections()))) {
      if (this.#stopped) return;
      // Another node judged us dead (heartbeats held up longer than the timeout) and deleted our
      // row and presence: register again, and rewrite our users' presence.
      this.logger.warn('this node had been reaped as dead; registering again', { node: this.id });
      await this.#register();
      reaped = true;
    }
    const gone = await this.store.reapDeadNodes(this.#timeoutMs);
    const before = this.#nodes;
    this.#nodes = await this.store.liveNodes(this.#timeoutMs);
    const left = before.filter((node) => node.id !== this.id && !this.#nodes.some((n) => n.id === node.id)).map((node) => node.id);
    if (left.length > 0) this.#vanished(left, 'heartbeat stopped or left');
    // Not awaited: announcing or rewriting many users must not hold up the next heartbeat, or this
    // node could be judged dead in turn. Neither rejects.
    if (gone.length > 0) {
      this.logger.info('reaped dead nodes', { node: this.id, offline: gone.length });
      void this.presence.announceOffline(gone);
    }
    // Rewrites the rows whose last write failed, or all of them when this node had been reaped.
    void this.presence.reconcile(reaped);
  }

  /**
   * Other nodes went away (died or left). One that died may have acknowledged messages it never
   * announced (its writer acks at commit and sends the NOTIFY after), which this node would otherwise
   * deliver only with the conversation's next message: catch every local feed up from the tables.
   */
  #vanished(nodeIds: readonly string[], why: string): void {
    if (this.#stopped || nodeIds.length === 0) return;
    this.logger.info('nodes gone; catching up from the database', { node: this.id, gone: nodeIds.join(','), why });
    this.#hooks?.onResync();
  }

  #connections(): number {
    return this.load.snapshot().reduce((sum, p) => sum + p.connections, 0);
  }

  #loadOf(connections: number, ports: number): number {
    return ports === 0 ? Infinity : connections / ports;
  }
}
