import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../../util/logger.js';

/**
 * `fastchat-server --workers N` (docs/deploy.md): one machine, N processes, every core used. The
 * primary process only supervises; each worker is a full server and a node of the deployment, with
 * its own share of the node ports (so the registry's per-port load stays exact) and the coordinator
 * port shared by all of them through node:cluster. Workers find each other like any other nodes:
 * through the registry and NOTIFY of the shared PostgreSQL.
 */

/** The node ports worker `index` (0-based) of `workers` serves: every workers-th port from its own. */
export function portsOfWorker(ports: readonly number[], workers: number, index: number): number[] {
  return ports.filter((_, i) => i % workers === index);
}

/** Why `--workers` cannot be used as asked, or undefined when it can. */
export function workersProblem(workers: number, ports: readonly number[], databaseUrl: string | undefined): string | undefined {
  if (workers <= 1) return undefined;
  if (!databaseUrl) {
    return `--workers ${workers} needs --db: the embedded database lives inside one process and cannot be shared; give a PostgreSQL URL (make db loads its schema)`;
  }
  if (ports.length < workers) {
    return `--workers ${workers} needs at least ${workers} node ports (each worker serves its own); --ports has ${ports.length}`;
  }
  if (ports.includes(0)) return `--workers needs fixed --ports (0 would give each worker a port nobody knows)`;
  return undefined;
}

/** The environment variable that tells a worker its index. */
export const WORKER_INDEX_ENV = 'FASTCHAT_WORKER_INDEX';

/** This process's worker index, or undefined in the primary or a plain single-process server. */
export function workerIndex(): number | undefined {
  if (!cluster.isWorker) return undefined;
  const index = Number(process.env[WORKER_INDEX_ENV]);
  return Number.isSafeInteger(index) && index >= 0 ? index : undefined;
}

/** What a worker tells the primary once it serves. */
export interface WorkerReady {
  readonly fastchat: 'ready';
  readonly ports: readonly number[];
  readonly coordinatorPort: number;
  readonly database: string;
}

/** Tells the primary this worker is serving. */
export function reportReady(ready: Omit<WorkerReady, 'fastchat'>): void {
  process.send?.({ fastchat: 'ready', ...ready } satisfies WorkerReady);
}

const isReady = (message: unknown): message is WorkerReady =>
  typeof message === 'object' && message !== null && (message as { fastchat?: unknown }).fastchat === 'ready';

export interface WorkerPoolOptions {
  readonly workers: number;
  readonly logger: Logger;
  /** Once every worker serves: all their ports and the database. */
  readonly onReady: (ready: { ports: number[]; coordinatorPort: number; database: string }) => void;
  /** A worker failed before it ever served (a port taken, the database unreachable): the pool stops. */
  readonly onStartFailure: (index: number, code: number | null) => void;
}

/** Restart delays for a worker that keeps dying: doubling from 1 s up to 30 s, reset by an hour up. */
const FIRST_RESTART_MS = 1000;
const MAX_RESTART_MS = 30_000;

/**
 * Runs in the primary: forks the workers, restarts one that dies after it served (its clients
 * reconnect through the coordinator meanwhile), and stops them all gracefully on `stop()`.
 */
export class WorkerPool {
  readonly #options: WorkerPoolOptions;
  readonly #workers = new Map<number, Worker>();
  readonly #ready = new Map<number, WorkerReady>();
  readonly #everReady = new Set<number>();
  readonly #restartDelay = new Map<number, number>();
  readonly #restarts = new Set<NodeJS.Timeout>();
  #announced = false;
  #stopping = false;

  constructor(options: WorkerPoolOptions) {
    this.#options = options;
  }

  start(): void {
    for (let index = 0; index < this.#options.workers; index++) this.#fork(index);
  }

  /** SIGTERM to every worker (each drains and acknowledges what it queued); resolves when all exited. */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const timer of this.#restarts) clearTimeout(timer);
    const exits = [...this.#workers.values()].map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.isDead()) return resolve();
          worker.once('exit', () => resolve());
          worker.process.kill('SIGTERM');
        }),
    );
    await Promise.all(exits);
  }

  #fork(index: number): void {
    const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(index) });
    const startedAt = Date.now();
    this.#workers.set(index, worker);
    worker.on('message', (message: unknown) => {
      if (!isReady(message)) return;
      this.#ready.set(index, message);
      this.#everReady.add(index);
      this.#announceWhenAllReady();
    });
    worker.on('exit', (code, signal) => {
      this.#ready.delete(index);
      if (this.#stopping) return;
      if (!this.#everReady.has(index)) return this.#options.onStartFailure(index, code);
      // An hour of service forgives earlier crashes.
      if (Date.now() - startedAt > 3_600_000) this.#restartDelay.delete(index);
      const delay = this.#restartDelay.get(index) ?? FIRST_RESTART_MS;
      this.#restartDelay.set(index, Math.min(delay * 2, MAX_RESTART_MS));
      this.#options.logger.error('worker died; restarting it', {
        worker: index,
        code: code ?? undefined,
        signal: signal || undefined,
        inMs: delay,
      });
      const timer = setTimeout(() => {
        this.#restarts.delete(timer);
        this.#fork(index);
      }, delay);
      this.#restarts.add(timer);
    });
  }

  #announceWhenAllReady(): void {
    if (this.#announced || this.#ready.size < this.#options.workers) return;
    this.#announced = true;
    const ready = [...this.#ready.values()];
    this.#options.onReady({
      ports: ready.flatMap((r) => r.ports).sort((a, b) => a - b),
      coordinatorPort: ready[0]!.coordinatorPort,
      database: ready[0]!.database,
    });
  }
}
