import { randomUUID } from 'node:crypto';
import { summarise, type LatencySummary } from '../support/stats.js';
import type { LoadClient } from './load-client.js';
import { offerLoad, waitUntil } from './offered-load.js';

/** What one open-loop phase of a RingLoad did: every send counted at its recipient. */
export interface RingPhase {
  /** Sends fired by the scheduler. */
  readonly offered: number;
  readonly acked: number;
  /** Acknowledged messages that reached their recipient, each counted once. */
  readonly delivered: number;
  readonly missing: number;
  readonly duplicates: number;
  readonly errors: number;
  /** Deliveries per second (first due send to last delivery). */
  readonly achievedPerS: number;
  /** From the time the send was due to the recipient's push. */
  readonly delivery: LatencySummary;
  readonly ack: LatencySummary;
  /** The generator's worst lag behind the schedule, ms (large values mean the figures are its own). */
  readonly maxLagMs: number;
  /** Seconds the sends were offered for. */
  readonly busyS: number;
}

/**
 * Users in a ring, each with one contact (the next), sending at a fixed offered rate (offered-load.ts):
 * the load of the `rate` and `flood` scenarios. Only the sends of the phase being run are counted; a
 * push for any other (an earlier phase, the priming message) is not.
 */
export class RingLoad {
  #sent = new Map<string, { acked: boolean; delivered: number }>();
  #latencies: number[] = [];
  #lastDelivery = 0;

  constructor(private readonly clients: readonly LoadClient[]) {
    for (const client of clients) {
      client.onMessage((sentAt, push) => {
        const message = this.#sent.get(push.cid);
        if (push.from === client.userId || message === undefined) return;
        message.delivered++;
        this.#lastDelivery = performance.now();
        this.#latencies.push(this.#lastDelivery - sentAt);
      });
    }
  }

  /** One message round the ring, so every conversation exists before the clock starts. */
  async prime(): Promise<void> {
    await Promise.all(this.clients.map((client, index) => client.send(this.#peerOf(index))));
  }

  /**
   * Offers `ratePerS` for `durationS`, calls `offered` as the last send is fired (before the drain:
   * read CPU figures there, stop a flooder there), then waits for every send's answer and every
   * acknowledged message's delivery (15 s grace) and counts.
   */
  async run(ratePerS: number, durationS: number, offered: () => unknown = () => undefined): Promise<RingPhase> {
    const sent = (this.#sent = new Map<string, { acked: boolean; delivered: number }>());
    this.#latencies = [];
    const ackLatencies: number[] = [];
    let errors = 0;
    const started = performance.now();
    const load = await offerLoad(ratePerS, durationS, (n, at) => {
      const index = n % this.clients.length;
      const cid = randomUUID();
      const message = { acked: false, delivered: 0 };
      sent.set(cid, message);
      this.clients[index]!.send(this.#peerOf(index), at, cid).then(
        () => {
          message.acked = true;
          ackLatencies.push(performance.now() - at);
        },
        () => void errors++,
      );
    });
    const offeredEnded = performance.now();
    await offered();
    const all = [...sent.values()];
    await waitUntil(() => ackLatencies.length + errors >= all.length && all.every((m) => !m.acked || m.delivered > 0), 15_000);
    const acked = all.filter((m) => m.acked);
    return {
      offered: load.fired,
      acked: acked.length,
      delivered: acked.filter((m) => m.delivered > 0).length,
      missing: acked.filter((m) => m.delivered === 0).length,
      duplicates: all.reduce((sum, m) => sum + Math.max(0, m.delivered - 1), 0),
      errors,
      achievedPerS: this.#latencies.length / ((Math.max(this.#lastDelivery, offeredEnded) - started) / 1000),
      delivery: summarise(this.#latencies),
      ack: summarise(ackLatencies),
      maxLagMs: load.maxLagMs,
      busyS: (offeredEnded - started) / 1000,
    };
  }

  #peerOf(index: number): number {
    return this.clients[(index + 1) % this.clients.length]!.userId;
  }
}
