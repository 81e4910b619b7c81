import type { ChatStore } from '../../store/chat-store.js';
import type { Logger } from '../../util/logger.js';

/** How often the coordinator looks at which nodes hold their LISTEN connection. */
export const LIVENESS_CHECK_MS = 250;

/**
 * Which other nodes are still there, for routing only (docs/deploy.md § Failover). Every node's LISTEN
 * connection carries its id as `application_name`; PostgreSQL drops a backend the moment its client's
 * socket closes, which the kernel does for a process that dies however it dies (SIGKILL included).
 * So, a few times a second, the nodes missing from `pg_stat_activity` are dead or cut off from the
 * database, and the coordinator stops naming them well before their heartbeat times out (a machine
 * that vanishes without closing its sockets is still left to the heartbeat).
 *
 * A node that vanishes is also reported (`vanished`): it may have acknowledged messages whose NOTIFY
 * it never sent (the ack goes out at commit, the NOTIFY after), so the others catch up from the tables.
 */
export class NodeLiveness {
  /** Nodes listening as of the last check; undefined before the first one (or after it failed). */
  #listening: Set<string> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #checking = false;

  constructor(
    private readonly store: ChatStore,
    private readonly logger: Logger,
    /** Checks only while this holds (there are other nodes to route to). */
    private readonly wanted: () => boolean,
    /** Nodes that were listening at the last check and are not now. Must not throw. */
    private readonly vanished: (nodeIds: readonly string[]) => void,
    private readonly everyMs = LIVENESS_CHECK_MS,
  ) {}

  start(): void {
    this.#timer = setInterval(() => void this.check(), this.everyMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /**
   * False only for a node known not to be listening. Unknown (no check yet, or the last one failed)
   * counts as alive: the heartbeat then decides, as without this check. A node that has just started
   * is offered from the first check after its LISTEN connection opened, which comes before it registers.
   */
  mayRoute(nodeId: string): boolean {
    return this.#listening === undefined || this.#listening.has(nodeId);
  }

  /** Reads who is listening now (never two reads at once). */
  async check(): Promise<void> {
    if (this.#checking) return;
    if (!this.wanted()) {
      this.#listening = undefined;
      return;
    }
    this.#checking = true;
    try {
      const before = this.#listening;
      this.#listening = await this.store.listeningNodes();
      const gone = before === undefined ? [] : [...before].filter((id) => !this.#listening!.has(id));
      if (gone.length > 0) this.vanished(gone);
    } catch (error) {
      // Once per outage, not four times a second.
      if (this.#listening !== undefined)
        this.logger.warn('node liveness check failed; routing by heartbeats alone', { error: String(error) });
      this.#listening = undefined;
    } finally {
      this.#checking = false;
    }
  }
}
