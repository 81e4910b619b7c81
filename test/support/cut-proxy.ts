import { startRoutedProxy } from './proxy-coordinator.js';

/**
 * A TCP proxy in front of one node port, with a coordinator of its own that routes every client to
 * the proxy, so that a real ChatClient (which dials whatever its coordinator names) goes through it.
 * `cutMidFrame` cuts the next server-to-client chunk inside a frame and drops both sides, as a
 * network failure would: the client gets half a frame, the server a reset.
 */
export interface CutProxy {
  readonly coordinatorPort: number;
  /** Resolves once a connection has been cut; bytes before the cut were forwarded. */
  cutMidFrame(): Promise<void>;
  close(): Promise<void>;
}

/** Tracks frame boundaries (4-byte length, then the body) of a byte stream passing through. */
class FrameBoundaries {
  #header: number[] = [];
  #bodyLeft = 0;

  get atBoundary(): boolean {
    return this.#bodyLeft === 0 && this.#header.length === 0;
  }

  pass(chunk: Buffer): void {
    for (let i = 0; i < chunk.length;) {
      if (this.#bodyLeft > 0) {
        const n = Math.min(this.#bodyLeft, chunk.length - i);
        this.#bodyLeft -= n;
        i += n;
        continue;
      }
      this.#header.push(chunk[i++]!);
      if (this.#header.length === 4) {
        this.#bodyLeft = Buffer.from(this.#header).readUInt32BE(0);
        this.#header = [];
      }
    }
  }
}

export async function startCutProxy(node: { host: string; port: number }): Promise<CutProxy> {
  let cut: (() => void) | undefined;
  const proxy = await startRoutedProxy(node, (client, upstream) => {
    const boundaries = new FrameBoundaries();
    upstream.on('data', (chunk: Buffer) => {
      if (cut && chunk.length >= 3) {
        // A frame is at least 5 bytes: 2 bytes into the next one, or 1 into the current, is inside it.
        const inside = boundaries.atBoundary ? 2 : 1;
        client.write(chunk.subarray(0, inside), () => {
          client.destroy();
          upstream.destroy();
        });
        const done = cut;
        cut = undefined;
        done();
        return;
      }
      boundaries.pass(chunk);
      client.write(chunk);
    });
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
  });
  return { ...proxy, cutMidFrame: () => new Promise<void>((resolve) => (cut = resolve)) };
}
