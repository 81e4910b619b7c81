import { summarise, type LatencySummary } from '../support/stats.js';
import type { LoadClient } from './load-client.js';

/**
 * One more user beside the load, asking `ping` in a closed loop with a pause between answers: the
 * figure the decode-flood target is stated in (issue 17, finding 5), and the plainest measure of how
 * long another user waits for the server's event loop.
 */
export class Pinger {
  #latencies: number[] = [];
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(
    private readonly client: LoadClient,
    private readonly pauseMs = 10,
  ) {}

  /** Starts a new window of measurements. */
  start(): void {
    this.#latencies = [];
    this.#stopped = false;
    this.#running = this.#loop();
  }

  /** Ends the window and summarises it. */
  async stop(): Promise<LatencySummary> {
    this.#stopped = true;
    await this.#running;
    return summarise(this.#latencies);
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      const started = performance.now();
      await this.client.rpc.request({ t: 'ping' }, { timeoutMs: 60_000 });
      this.#latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
    }
  }
}
