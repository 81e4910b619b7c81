import { randomBytes, randomUUID } from 'node:crypto';
import { connectToNode, type ServerAddress } from '../../src/client/connect.js';
import type { RpcConnection } from '../../src/client/rpc-connection.js';
import type { Push } from '../../src/protocol/index.js';

/** Size of every benchmark message body: about what a short encrypted chat line weighs. */
export const BODY_BYTES = 256;

/**
 * One simulated user for the load generator: the real framed connection (coordinator → node →
 * hello → signup), sending pre-built opaque bodies instead of encrypting each message. The server
 * cannot tell them from envelopes (it never opens a body); encryption's own cost is measured by the
 * backlog scenario. Each body starts with its send time, so the recipient can time delivery.
 */
export class LoadClient {
  userId = 0;
  readonly #onMessage: Array<(sentAt: number, push: Extract<Push, { t: 'msg' }>) => void> = [];

  private constructor(readonly rpc: RpcConnection) {
    rpc.onPush((push) => {
      if (push.t !== 'msg' || push.kind !== 'message') return;
      const sentAt = Buffer.from(push.body.buffer, push.body.byteOffset, push.body.byteLength).readDoubleLE(0);
      for (const listener of this.#onMessage) listener(sentAt, push);
    });
  }

  /** Connects through the coordinator and signs up as a new user named `name`. */
  static async signup(coordinator: ServerAddress, name: string): Promise<LoadClient> {
    const { rpc } = await connectToNode({ coordinator, timeoutMs: 60_000 });
    const client = new LoadClient(rpc);
    const { user } = await rpc.request({ t: 'signup', name, secret: randomBytes(32) }, { timeoutMs: 120_000 });
    client.userId = user.id;
    await rpc.request({ t: 'sync' }, { timeoutMs: 60_000 });
    return client;
  }

  /** Calls `listener` with each chat message received and the `performance.now()` it was sent at. */
  onMessage(listener: (sentAt: number, push: Extract<Push, { t: 'msg' }>) => void): void {
    this.#onMessage.push(listener);
  }

  /** Sends one timestamped message to `to`'s direct conversation; resolves on the durable ack. */
  async send(to: number): Promise<void> {
    const body = Buffer.allocUnsafe(BODY_BYTES);
    randomBytes(BODY_BYTES - 8).copy(body, 8);
    body.writeDoubleLE(performance.now(), 0);
    await this.rpc.request({ t: 'send', to, cid: randomUUID(), body }, { timeoutMs: 30_000 });
  }

  close(): void {
    this.rpc.close();
  }
}
