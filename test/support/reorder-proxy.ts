import { FrameDecoder, encodeFrame, type RawMessage } from '../../src/protocol/index.js';
import { startRoutedProxy } from './proxy-coordinator.js';

/**
 * A proxy in front of one node port (with a coordinator of its own that routes every client to it)
 * that can deliver the server's `msg` pushes out of order or not at all, frame by frame, as pushes
 * racing over different paths would arrive, and fail the reply to a request. Everything else passes
 * in order.
 */
export interface ReorderProxy {
  readonly coordinatorPort: number;
  /**
   * Holds back the next `msg` push to any client and lets it through right after `later` more
   * `msg` pushes have passed; with `later` Infinity it is dropped. Resolves with the held push.
   */
  holdNextMessage(later: number): Promise<RawMessage>;
  /** Turns the server's reply to the next request of this type into an `internal` error. */
  failNextReply(type: string): void;
  close(): Promise<void>;
}

interface Hold {
  later: number;
  held?: Buffer;
  taken: (push: RawMessage) => void;
}

export async function startReorderProxy(node: { host: string; port: number }): Promise<ReorderProxy> {
  let hold: Hold | undefined;
  let failType: string | undefined;
  /** Request ids whose reply is to be failed. */
  const failIds = new Set<unknown>();
  /** The frames to write for one frame from the server, after the hold has seen it. */
  const pass = (message: RawMessage): Buffer[] => {
    if (message.id !== undefined && failIds.delete(message.id))
      return [encodeFrame({ t: 'error', id: message.id, code: 'internal', message: 'failed by the test proxy' })];
    const frame = encodeFrame(message);
    if (message.t !== 'msg' || !hold) return [frame];
    if (!hold.held) {
      hold.held = frame;
      hold.taken(message);
      return [];
    }
    if (--hold.later > 0) return [frame];
    const late = hold.held;
    hold = undefined;
    return [frame, late];
  };

  const proxy = await startRoutedProxy(node, (client, upstream) => {
    const decoder = new FrameDecoder({ maxFrameBytes: 16 * 1024 * 1024 });
    upstream.on('data', (chunk: Buffer) => decoder.feed(chunk, (message) => pass(message).forEach((frame) => client.write(frame))));
    const requests = new FrameDecoder({ maxFrameBytes: 16 * 1024 * 1024 });
    client.on('data', (chunk: Buffer) => {
      requests.feed(chunk, (request) => {
        if (request.t !== failType) return;
        failType = undefined;
        failIds.add(request.id);
      });
      upstream.write(chunk);
    });
  });
  return {
    ...proxy,
    holdNextMessage: (later) => new Promise((taken) => (hold = { later, taken })),
    failNextReply: (type) => (failType = type),
  };
}
