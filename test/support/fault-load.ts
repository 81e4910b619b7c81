import { LoadClient, type MessagePush } from '../../bench/load/load-client.js';
import { RequestFailedError } from '../../src/client/errors.js';

/**
 * Sustained load for the fault tests (test/integration/fault-*.test.ts): raw-protocol clients that
 * keep sending through faults the way the real client does (protocol.md § Delivery): a send that
 * failed retryably, timed out or lost its connection is resent with the same cid, after a relogin
 * when the connection is gone; a receiver records every message push, so a test can count each cid.
 */

/** Codes after which a send is retried with the same cid (protocol.md § Errors). */
// out_of_order: an earlier send of the connection to that conversation failed and is not stored yet;
// its worker resends it, which lets the others through (protocol.md § Delivery, "In the order sent").
const RETRYABLE = new Set(['internal', 'unavailable', 'shutting_down', 'out_of_order']);

/** A pause between retries, so an outage is not a busy loop; not a timing assumption of any test. */
const RETRY_PAUSE_MS = 50;

/** What a load run saw. */
export interface LoadReport {
  /** Every cid the server acknowledged. */
  readonly acked: Set<string>;
  /** Error codes of failed sends (`timeout`, `connection_closed`, `internal`…), with counts. */
  readonly errors: Map<string, number>;
  /** Relogins the senders needed (their connection had dropped or stopped answering). */
  relogins: number;
}

/** One sender: a LoadClient that reconnects once however many of its sends see the drop. */
class ResilientSender {
  #relogin: Promise<void> | undefined;

  constructor(readonly client: LoadClient) {}

  /** Logs in again, retrying while the server (or its database) is away; one relogin at a time. */
  relogin(report: LoadReport, stopped: () => boolean): Promise<void> {
    this.#relogin ??= (async () => {
      report.relogins++;
      for (;;) {
        try {
          return await this.client.relogin(10_000);
        } catch (error) {
          if (stopped()) throw error;
          count(report, error);
          await pause(RETRY_PAUSE_MS);
        }
      }
    })().finally(() => (this.#relogin = undefined));
    return this.#relogin;
  }

  /** Sends until acknowledged; a resend keeps the cid, so the server stores the message once. */
  async sendUntilAcked(to: number, cid: string, report: LoadReport, stopped: () => boolean): Promise<void> {
    for (;;) {
      if (stopped()) return;
      const rpc = this.client.rpc;
      try {
        await this.client.send(to, performance.now(), cid);
        report.acked.add(cid);
        return;
      } catch (error) {
        count(report, error);
        if (error instanceof RequestFailedError && !RETRYABLE.has(error.code)) throw error;
        const retryable = error instanceof RequestFailedError && error.code !== 'shutting_down';
        // The connection may be gone (or wedged): come back on a new one unless another send did.
        if (!retryable && rpc === this.client.rpc) await this.relogin(report, stopped);
        else await pause(RETRY_PAUSE_MS);
      }
    }
  }
}

export interface LoadOptions {
  readonly senders: readonly LoadClient[];
  /** The user every message goes to. */
  readonly to: number;
  readonly total: number;
  /** Sends outstanding per sender. @default 20 */
  readonly window?: number;
  /** Called once each time `acked.size` reaches one of these counts (to inject a fault mid-load). */
  readonly at?: ReadonlyMap<number, () => void>;
}

/**
 * Sends `total` messages (cids `f<n>`) from the senders round-robin, each until acknowledged.
 * Resolves once all are acknowledged; `stop` abandons what is left (for cleanup after a failure).
 */
export function runLoad(options: LoadOptions): { done: Promise<LoadReport>; report: LoadReport; stop(): void } {
  const report: LoadReport = { acked: new Set(), errors: new Map(), relogins: 0 };
  const senders = options.senders.map((client) => new ResilientSender(client));
  let next = 0;
  let stopped = false;
  const fired = new Set<number>();
  const worker = async (sender: ResilientSender) => {
    while (!stopped && next < options.total) {
      const cid = `f${next++}`;
      await sender.sendUntilAcked(options.to, cid, report, () => stopped);
      for (const [threshold, fault] of options.at ?? []) {
        if (report.acked.size >= threshold && !fired.has(threshold)) {
          fired.add(threshold);
          fault();
        }
      }
    }
  };
  const workers = senders.flatMap((sender) => Array.from({ length: options.window ?? 20 }, () => worker(sender)));
  const done = Promise.all(workers).then(() => report);
  done.catch(() => (stopped = true));
  return { done, report, stop: () => void (stopped = true) };
}

/** Every message push a receiver got, in arrival order, across its relogins. */
export class Inbox {
  readonly pushes: MessagePush[] = [];
  #waiters = new Set<() => void>();

  constructor(client: LoadClient) {
    client.onMessage((_sentAt, push) => {
      this.pushes.push(push);
      this.#waiters.forEach((wake) => wake());
    });
  }

  /** How many times each cid arrived. */
  counts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const push of this.pushes) counts.set(push.cid, (counts.get(push.cid) ?? 0) + 1);
    return counts;
  }

  /** Conversations whose seqs did not arrive strictly increasing (each is a duplicate or a reordering). */
  outOfOrder(): number[] {
    const last = new Map<number, number>();
    const bad = new Set<number>();
    for (const push of this.pushes) {
      if (push.seq <= (last.get(push.conversation) ?? 0)) bad.add(push.conversation);
      last.set(push.conversation, push.seq);
    }
    return [...bad];
  }

  /** Resolves once every cid in `cids` has arrived; rejects after `timeoutMs` saying how many are missing. */
  until(cids: ReadonlySet<string>, timeoutMs: number): Promise<void> {
    const missing = () => {
      const seen = new Set(this.pushes.map((p) => p.cid));
      let n = 0;
      for (const cid of cids) if (!seen.has(cid)) n++;
      return n;
    };
    return new Promise((resolve, reject) => {
      let left = missing();
      if (left === 0) return resolve();
      const check = () => {
        // Counting is O(n): recount only when enough pushes arrived to possibly complete the set.
        if (this.pushes.length < cids.size) return;
        left = missing();
        if (left > 0) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms: ${missing()} of ${cids.size} acknowledged messages never arrived`));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }
}

function count(report: LoadReport, error: unknown): void {
  const code = String((error as { code?: unknown } | null)?.code ?? (error as Error | null)?.name ?? error);
  report.errors.set(code, (report.errors.get(code) ?? 0) + 1);
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
