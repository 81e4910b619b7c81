import { FrameDecoder, encodeFrame } from '../../src/protocol/index.js';
import { startRoutedProxy } from './proxy-coordinator.js';

/**
 * A proxy in front of one node port (with a coordinator of its own that routes every client to it)
 * that answers the next `send` with an error of the test's choosing in place of the server's reply,
 * as a server whose database was away for a moment answers: the connection stays up. It can also
 * hold the next `send`'s reply back until the test lets it go (a server slow to commit), and tell when
 * a request of a given type first passes it.
 */
export interface RefusalProxy {
  readonly coordinatorPort: number;
  /** The next `send`'s reply becomes this error (what the server did with it is unchanged). */
  refuseNextSend(code: string): void;
  /** Holds the reply to the next `send`: `held` resolves once that reply is at the proxy; release() sends it on. */
  holdNextSendReply(): { held: Promise<void>; release(): void };
  /** Resolves when the next request of this type from a client reaches the proxy (held or not). */
  nextRequest(type: string): Promise<void>;
  /**
   * Holds the next request of this type, and everything the client sends after it, until release():
   * a request slow on its way. `held` resolves once it is at the proxy.
   */
  holdNextRequest(type: string): { held: Promise<void>; release(): void };
  close(): Promise<void>;
}

export async function startRefusalProxy(node: { host: string; port: number }): Promise<RefusalProxy> {
  let refusal: string | undefined;
  let hold: { reached: () => void; released: Promise<void> } | undefined;
  let requestHold: { type: string; reached: () => void; released: Promise<void> } | undefined;
  const watchers: Array<{ type: string; seen: () => void }> = [];
  const proxy = await startRoutedProxy(node, (client, upstream) => {
    const refused = new Map<unknown, string>();
    const holding = new Map<unknown, { reached: () => void; released: Promise<void> }>();
    // Replies go on in order: one held back holds those behind it too, as a slow socket would. So do requests.
    let replies = Promise.resolve();
    let requests = Promise.resolve();
    const fromClient = new FrameDecoder({ maxFrameBytes: 16 * 1024 * 1024 });
    const fromServer = new FrameDecoder({ maxFrameBytes: 16 * 1024 * 1024 });
    client.on('data', (chunk: Buffer) => {
      fromClient.feed(chunk, (message) => {
        if (message.t === 'send' && refusal !== undefined) {
          refused.set(message.id, refusal);
          refusal = undefined;
        }
        if (message.t === 'send' && hold !== undefined) {
          holding.set(message.id, hold);
          hold = undefined;
        }
        for (const watcher of watchers.filter((w) => w.type === message.t)) {
          watchers.splice(watchers.indexOf(watcher), 1);
          watcher.seen();
        }
        if (requestHold?.type === message.t) {
          const held = requestHold;
          requestHold = undefined;
          held.reached();
          requests = requests.then(() => held.released);
        }
        requests = requests.then(() => void upstream.write(encodeFrame(message)));
      });
    });
    upstream.on('data', (chunk: Buffer) =>
      fromServer.feed(chunk, (message) => {
        const held = holding.get(message.id);
        if (held !== undefined) {
          holding.delete(message.id);
          held.reached();
          replies = replies.then(() => held.released);
        }
        replies = replies.then(() => {
          const code = refused.get(message.id);
          if (message.t !== 'ok' || code === undefined) return void client.write(encodeFrame(message));
          refused.delete(message.id);
          client.write(encodeFrame({ t: 'error', id: message.id, code, message: `refused by the test (${code})` }));
        });
      }),
    );
  });
  return {
    ...proxy,
    refuseNextSend: (code) => void (refusal = code),
    holdNextSendReply() {
      let reached!: () => void;
      let release!: () => void;
      const held = new Promise<void>((resolve) => (reached = resolve));
      hold = { reached, released: new Promise<void>((resolve) => (release = resolve)) };
      return { held, release };
    },
    nextRequest: (type) => new Promise<void>((seen) => watchers.push({ type, seen })),
    holdNextRequest(type) {
      let reached!: () => void;
      let release!: () => void;
      const held = new Promise<void>((resolve) => (reached = resolve));
      requestHold = { type, reached, released: new Promise<void>((resolve) => (release = resolve)) };
      return { held, release };
    },
  };
}
