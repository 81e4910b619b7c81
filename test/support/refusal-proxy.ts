import { FrameDecoder, encodeFrame } from '../../src/protocol/index.js';
import { startRoutedProxy } from './proxy-coordinator.js';

/**
 * A proxy in front of one node port (with a coordinator of its own that routes every client to it)
 * that answers the next `send` with an error of the test's choosing in place of the server's reply,
 * as a server whose database was away for a moment answers: the connection stays up.
 */
export interface RefusalProxy {
  readonly coordinatorPort: number;
  /** The next `send`'s reply becomes this error (what the server did with it is unchanged). */
  refuseNextSend(code: string): void;
  close(): Promise<void>;
}

export async function startRefusalProxy(node: { host: string; port: number }): Promise<RefusalProxy> {
  let refusal: string | undefined;
  const proxy = await startRoutedProxy(node, (client, upstream) => {
    const refused = new Map<unknown, string>();
    const fromClient = new FrameDecoder({ maxFrameBytes: 16 * 1024 * 1024 });
    const fromServer = new FrameDecoder({ maxFrameBytes: 16 * 1024 * 1024 });
    client.on('data', (chunk: Buffer) => {
      fromClient.feed(chunk, (message) => {
        if (message.t === 'send' && refusal !== undefined) (refused.set(message.id, refusal), (refusal = undefined));
      });
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) =>
      fromServer.feed(chunk, (message) => {
        const code = refused.get(message.id);
        if (message.t !== 'ok' || code === undefined) return void client.write(encodeFrame(message));
        refused.delete(message.id);
        client.write(encodeFrame({ t: 'error', id: message.id, code, message: `refused by the test (${code})` }));
      }),
    );
  });
  return { ...proxy, refuseNextSend: (code) => void (refusal = code) };
}
