import { ChatClient } from '../../src/client/chat-client.js';
import type { ServerAddress } from '../../src/client/connect.js';
import type { ReceivedRecord, SendRecord } from './history.js';
import type { Recorder } from './recorder.js';

/** A real ChatClient of the run (the one the CLI and TUI use), and everything it sent and received. */
export interface ChaosUser {
  readonly index: number;
  readonly name: string;
  readonly id: number;
  readonly client: ChatClient;
  /** Sends whose `acked` promise has not settled yet. */
  readonly pending: Set<string>;
}

type MutableSend = Omit<SendRecord, 'acks' | 'failed'> & { acks: Array<{ conversation: number; seq: number }>; failed?: string };

/** What every client of the run did, in the order each did it. */
export class ChaosLog {
  readonly sends: MutableSend[] = [];
  readonly received: ReceivedRecord[] = [];
  readonly #byCid = new Map<string, MutableSend>();
  /** Outcomes that arrived before send() returned the cid (an ack can beat the outbox write's return). */
  readonly #early = new Map<string, Array<(send: MutableSend) => void>>();

  constructor(readonly recorder: Recorder) {}

  sent(record: MutableSend): void {
    this.sends.push(record);
    this.#byCid.set(record.cid, record);
    for (const apply of this.#early.get(record.cid) ?? []) apply(record);
    this.#early.delete(record.cid);
  }

  outcome(cid: string, apply: (send: MutableSend) => void): void {
    const send = this.#byCid.get(cid);
    if (send) apply(send);
    else this.#early.set(cid, [...(this.#early.get(cid) ?? []), apply]);
  }
}

/**
 * Signs up `count` users through the coordinator and starts their clients, recording what they do.
 * Requests get 30 s rather than 10: a signup is a scrypt, and the machine may be under a CPU hog.
 */
export async function openChaosUsers(coordinator: ServerAddress, count: number, home: string, log: ChaosLog): Promise<ChaosUser[]> {
  const recorder = log.recorder;
  // Together: each signup is a scrypt on the server and a key pair on the client.
  const opened = await Promise.allSettled(
    Array.from({ length: count }, async (_, index): Promise<ChaosUser> => {
      const name = `chaos${index}`;
      const client = await ChatClient.open({
        coordinator,
        home,
        name,
        password: `password of ${name}`,
        mode: 'signup',
        backoff: { baseMs: 100, maxMs: 2000 },
        timeoutMs: 30_000,
      });
      const user: ChaosUser = { index, name, id: client.user.id, client, pending: new Set() };
      const about = { user: user.id };
      client.on('message', (m) => {
        log.received.push({
          user: user.id,
          conversation: m.conversation,
          seq: m.seq,
          mid: m.mid,
          cid: m.cid,
          from: m.from,
          kind: m.kind,
          text: m.text,
          trust: m.trust,
          at: recorder.now(),
        });
        recorder.log(
          `received seq ${m.seq}: ${m.kind} from ${m.from}${m.subject === undefined ? '' : ` about ${m.subject}`}`,
          { ...about, conversation: m.conversation },
          false,
        );
      });
      client.on('sent', (receipt) => {
        log.outcome(receipt.cid, (send) => send.acks.push({ conversation: receipt.conversation, seq: receipt.seq }));
        recorder.log(`acked ${receipt.cid} at seq ${receipt.seq}`, { ...about, conversation: receipt.conversation }, false);
      });
      client.on('failed', (failure) => {
        log.outcome(failure.cid, (send) => (send.failed = failure.code));
        recorder.log(`gave up ${failure.cid}: ${failure.code} ${failure.message}`, about);
      });
      client.on('status', (status) => {
        const detail =
          status.state === 'connected'
            ? ` to ${status.node.port}`
            : status.state === 'reconnecting'
              ? ` (attempt ${status.attempt}: ${status.reason})`
              : '';
        recorder.log(`${status.state}${detail}`, about, status.state !== 'reconnecting' || status.attempt === 1);
      });
      await client.start();
      return user;
    }),
  );
  const failure = opened.find((o) => o.status === 'rejected');
  if (failure) {
    // Nothing left reconnecting behind the failed run.
    await Promise.all(opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value.client.close(0)] : [])));
    throw failure.reason;
  }
  return opened.map((o) => (o as PromiseFulfilledResult<ChaosUser>).value);
}

/** Queues one message, as the CLI and TUI do (on disk first, acked later), and records it in send order. */
export async function sendAs(user: ChaosUser, log: ChaosLog, target: SendRecord['target'], text: string): Promise<void> {
  const { cid, acked } = await user.client.send(target, text);
  log.sent({ sender: user.id, cid, target, text, acks: [] });
  user.pending.add(cid);
  void acked.then(
    () => user.pending.delete(cid),
    () => user.pending.delete(cid),
  );
  const to = 'user' in target ? `user ${target.user}` : `conversation ${target.conversation}`;
  log.recorder.log(
    `queued ${cid} to ${to}: "${text}"`,
    { user: user.id, ...('conversation' in target ? { conversation: target.conversation } : {}) },
    false,
  );
}
