import { createHash, randomUUID } from 'node:crypto';
import { connectToNode } from '../../src/client/connect.js';
import { RpcConnection } from '../../src/client/rpc-connection.js';
import { connectTcp } from '../../src/transport/tcp-transport.js';
import type { MessageView, Push, ResultOf, UserView } from '../../src/protocol/index.js';
import { WAIT_MS } from './wait.js';

/** A deterministic 32-byte login secret per name (what a client derives from the password). */
export function secretFor(name: string, password = 'correct horse'): Buffer {
  return createHash('sha256').update(`${name.toLowerCase()}\0${password}`).digest();
}

/**
 * A protocol-level chat client for end-to-end tests: the real client connection (coordinator →
 * node → hello) plus a record of every push, so tests can wait for what should arrive and check what
 * should not.
 */
export class ChatTestClient {
  readonly pushes: Push[] = [];
  user: UserView | undefined;
  #waiters: Array<() => void> = [];

  private constructor(readonly rpc: RpcConnection) {
    rpc.onPush((push) => {
      this.pushes.push(push);
      this.#waiters.splice(0).forEach((wake) => wake());
    });
  }

  /** Straight to a node port, bypassing the coordinator (to place a client on a given node). */
  static async connectToPort(port: number): Promise<ChatTestClient> {
    const rpc = new RpcConnection(await connectTcp({ host: '127.0.0.1', port }));
    await rpc.request({ t: 'hello', versions: [1] });
    return new ChatTestClient(rpc);
  }

  static async connect(coordinatorPort: number): Promise<ChatTestClient> {
    const { rpc } = await connectToNode({ coordinator: { host: '127.0.0.1', port: coordinatorPort } });
    return new ChatTestClient(rpc);
  }

  get id(): number {
    if (!this.user) throw new Error('not logged in');
    return this.user.id;
  }

  async signup(name: string): Promise<this> {
    this.user = (await this.rpc.request({ t: 'signup', name, secret: secretFor(name) })).user;
    return this;
  }

  async login(name: string, password?: string): Promise<this> {
    this.user = (await this.rpc.request({ t: 'login', name, secret: secretFor(name, password) })).user;
    return this;
  }

  sync(cursors?: Array<[number, number]>): Promise<ResultOf<'sync'>> {
    return this.rpc.request({ t: 'sync', ...(cursors ? { cursors } : {}) });
  }

  /** Sends `text` (as bytes) to a user's direct conversation or to a conversation. */
  send(target: { to: number } | { conversation: number }, text: string, cid: string = randomUUID()): Promise<ResultOf<'send'>> {
    return this.rpc.request({ t: 'send', ...target, cid, body: Buffer.from(text) });
  }

  /** `msg` pushes received so far, optionally of one conversation; chat messages only unless `kind` is 'any'. */
  messages(conversation?: number, kind: MessageView['kind'] | 'any' = 'message'): MessageView[] {
    return this.pushes.filter(
      (p): p is Extract<Push, { t: 'msg' }> =>
        p.t === 'msg' && (conversation === undefined || p.conversation === conversation) && (kind === 'any' || p.kind === kind),
    );
  }

  /** Texts of the `message` pushes of a conversation, in arrival order. */
  texts(conversation?: number): string[] {
    return this.messages(conversation).map((m) => Buffer.from(m.body).toString());
  }

  /** Waits until `condition` holds over the pushes received (checked on every push). */
  async until(condition: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for the first push matching `match` (received before or after the call). */
  async waitForPush<T extends Push['t']>(
    type: T,
    match: (push: Extract<Push, { t: T }>) => boolean = () => true,
    timeoutMs?: number,
  ): Promise<Extract<Push, { t: T }>> {
    const find = () => this.pushes.find((p): p is Extract<Push, { t: T }> => p.t === type && match(p as Extract<Push, { t: T }>));
    await this.until(() => find() !== undefined, `a "${type}" push`, timeoutMs);
    return find()!;
  }

  async close(): Promise<void> {
    this.rpc.close();
    await this.rpc.closed;
  }
}
