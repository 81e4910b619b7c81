import { randomBytes, randomUUID } from 'node:crypto';
import { connectToNode, type ServerAddress } from '../../src/client/connect.js';
import type { RpcConnection } from '../../src/client/rpc-connection.js';
import { RequestFailedError } from '../../src/client/errors.js';
import type { Push, ResultOf } from '../../src/protocol/index.js';

/** Size of every benchmark message body: about what a short encrypted chat line weighs. */
export const BODY_BYTES = 256;

export type MessagePush = Extract<Push, { t: 'msg' }>;

/** Where a send goes: a user's direct conversation, or a conversation (a group) by id. */
export type SendTarget = { readonly to: number } | { readonly conversation: number };

/**
 * One simulated user for the load generator: the real framed connection (coordinator → node →
 * hello → signup), sending pre-built opaque bodies instead of encrypting each message. The server
 * cannot tell them from envelopes (it never opens a body); encryption's own cost is measured by the
 * backlog scenario. Each body starts with its send time, so the recipient can time delivery.
 *
 * Like the real client, it keeps its name, secret and per-conversation cursor, so that it can come
 * back after its connection dropped (`relogin`) and get exactly what it missed.
 */
export class LoadClient {
  userId = 0;
  #rpc: RpcConnection;
  readonly #secret: Uint8Array = randomBytes(32);
  /** The resume token of the last login or signup, as the real client keeps it (protocol.md § resume). */
  #resume: Uint8Array | undefined;
  /** The last seq processed per conversation, for `sync` after a reconnect (protocol.md § Delivery). */
  readonly #cursors = new Map<number, number>();
  readonly #onMessage: Array<(sentAt: number, push: MessagePush) => void> = [];

  private constructor(
    readonly coordinator: ServerAddress,
    readonly name: string,
    rpc: RpcConnection,
  ) {
    this.#rpc = this.#attach(rpc);
  }

  /** The current connection (a new one after each `relogin`). */
  get rpc(): RpcConnection {
    return this.#rpc;
  }

  /** Connects through the coordinator and signs up as a new user named `name`. */
  static async signup(coordinator: ServerAddress, name: string): Promise<LoadClient> {
    const { rpc } = await connectToNode({ coordinator, timeoutMs: 60_000 });
    const client = new LoadClient(coordinator, name, rpc);
    const { user, resume } = await rpc.request({ t: 'signup', name, secret: client.#secret }, { timeoutMs: 120_000 });
    client.userId = user.id;
    client.#resume = resume;
    await rpc.request({ t: 'sync' }, { timeoutMs: 60_000 });
    return client;
  }

  /**
   * Comes back after the connection dropped, as the real client does: a node from the coordinator,
   * `resume` with the token (a full `login` with the secret if the server refuses it), then `sync`
   * from the cursors. Closes the current connection first.
   */
  async relogin(timeoutMs = 60_000): Promise<void> {
    this.#rpc.close();
    const { rpc } = await connectToNode({ coordinator: this.coordinator, timeoutMs });
    this.#rpc = this.#attach(rpc);
    try {
      if (!this.#resume || !(await this.#resumed(rpc, this.#resume, timeoutMs))) {
        this.#resume = (await rpc.request({ t: 'login', name: this.name, secret: this.#secret }, { timeoutMs })).resume;
      }
      await rpc.request({ t: 'sync', cursors: [...this.#cursors] }, { timeoutMs });
    } catch (error) {
      rpc.close();
      throw error;
    }
  }

  async #resumed(rpc: RpcConnection, token: Uint8Array, timeoutMs: number): Promise<boolean> {
    try {
      await rpc.request({ t: 'resume', token }, { timeoutMs });
      return true;
    } catch (error) {
      if (error instanceof RequestFailedError && error.code === 'bad_credentials') return false;
      throw error;
    }
  }

  /** Calls `listener` with each chat message received and the `performance.now()` it was sent at. */
  onMessage(listener: (sentAt: number, push: MessagePush) => void): void {
    this.#onMessage.push(listener);
  }

  /**
   * Sends one message stamped `sentAt` (now, unless a scheduler gives the time it meant to send
   * at); resolves on the durable ack. `cid` lets a caller resend the same message after a drop.
   */
  send(target: number | SendTarget, sentAt = performance.now(), cid: string = randomUUID()): Promise<ResultOf<'send'>> {
    const body = Buffer.allocUnsafe(BODY_BYTES);
    randomBytes(BODY_BYTES - 8).copy(body, 8);
    body.writeDoubleLE(sentAt, 0);
    const where = typeof target === 'number' ? { to: target } : target;
    return this.#rpc.request({ t: 'send', ...where, cid, body }, { timeoutMs: 30_000 });
  }

  /** Creates a group with `members` (user ids) besides this user; resolves to its conversation id. */
  async createGroup(name: string, members: readonly number[]): Promise<number> {
    const { conversation } = await this.#rpc.request({ t: 'group_create', name, members: [...members] }, { timeoutMs: 60_000 });
    return conversation.conversation;
  }

  close(): void {
    this.#rpc.close();
  }

  #attach(rpc: RpcConnection): RpcConnection {
    rpc.onPush((push) => {
      if (push.t !== 'msg') return;
      // Every row moves the cursor (events too): sync resumes after it, so nothing comes twice.
      if (push.seq > (this.#cursors.get(push.conversation) ?? 0)) this.#cursors.set(push.conversation, push.seq);
      if (push.kind !== 'message') return;
      const sentAt = Buffer.from(push.body.buffer, push.body.byteOffset, push.body.byteLength).readDoubleLE(0);
      for (const listener of this.#onMessage) listener(sentAt, push);
    });
    return rpc;
  }
}

/**
 * Signs up `count` clients named `${tag}u${n}`, `concurrency` at a time (signup runs the server's
 * slow password hash, so more at once only queues), reporting progress on stderr when `progress`.
 */
export async function signupMany(
  coordinator: ServerAddress,
  count: number,
  tag: string,
  options: { concurrency?: number; progress?: string; first?: number } = {},
): Promise<LoadClient[]> {
  const clients: LoadClient[] = [];
  const first = options.first ?? 0;
  let next = 0;
  let lastReport = performance.now();
  const worker = async () => {
    while (next < count) {
      const n = next++;
      clients[n] = await LoadClient.signup(coordinator, `${tag}u${first + n}`);
      if (options.progress !== undefined && performance.now() - lastReport > 5000) {
        lastReport = performance.now();
        process.stderr.write(`${options.progress}: ${clients.filter(Boolean).length}/${count} signed up\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 32, count) }, worker));
  return clients;
}
