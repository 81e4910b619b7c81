import type { LoadClient } from './load-client.js';

/**
 * More users beside the load, each asking `ping` in a closed loop with a pause between answers: the
 * figure the decode-flood target is stated in (issue 17, finding 5), and the plainest measure of how
 * long another user waits for the server's event loop. Each user stays under the default request pace
 * (10 a second, protocol.md § Limits), so the figure is the server's answer, not the pace's wait.
 */
export class Pinger {
  #latencies: number[] = [];
  #running: Promise<void>[] = [];
  #stopped = false;

  constructor(
    private readonly clients: readonly LoadClient[],
    private readonly pauseMs = 150,
  ) {}

  /** Starts a new window of measurements. */
  start(): void {
    this.#latencies = [];
    this.#stopped = false;
    this.#running = this.clients.map((client) => this.#loop(client));
  }

  /** Ends the window; resolves with its round trips, in milliseconds, in the order measured. */
  async stop(): Promise<number[]> {
    this.#stopped = true;
    await Promise.all(this.#running);
    return this.#latencies;
  }

  async #loop(client: LoadClient): Promise<void> {
    while (!this.#stopped) {
      const started = performance.now();
      await client.rpc.request({ t: 'ping' }, { timeoutMs: 60_000 });
      this.#latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
    }
  }
}
