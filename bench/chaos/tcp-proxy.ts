import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy the chaos run puts on a path (servers → PostgreSQL, clients → a node port) to break it
 * as networks do: every byte held back a while (`delay`), every connection cut at once (`cutAll`),
 * new connections refused for a while (`refuse`), or one connection cut inside a frame
 * (`cutMidFrame`: the reader gets half a frame, then a reset).
 */
export interface TcpProxy {
  readonly port: number;
  /** Milliseconds every chunk waits before it is passed on (0: none). Order is kept. */
  delay(ms: number): void;
  /** While true, a new connection is closed as soon as it is accepted. */
  refuse(on: boolean): void;
  /** Destroys every connection through the proxy; returns how many there were. */
  cutAll(): number;
  /** Arms a cut of the next chunk from upstream, inside a frame (4-byte length then body); false with no connection open. */
  cutMidFrame(): boolean;
  readonly connections: number;
  close(): Promise<void>;
}

export async function startTcpProxy(upstream: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<{ client: Socket; server: Socket }>();
  let delayMs = 0;
  let refusing = false;
  let cutArmed = false;

  /** Passes chunks on in order, each after `delayMs` from when it arrived. */
  const pipe = (from: Socket, to: Socket, cuttable: boolean) => {
    let chain = Promise.resolve();
    let frameLeft = 0; // bytes of the current frame (header included) still to come
    from.on('data', (chunk: Buffer) => {
      const wait = delayMs;
      chain = chain.then(async () => {
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (to.destroyed) return;
        if (cuttable && cutArmed && chunk.length >= 2) {
          cutArmed = false;
          // One byte lands inside a header or a body, unless it is the last of a frame: then two.
          to.write(chunk.subarray(0, frameLeft === 1 ? 2 : 1), () => (to.destroy(), from.destroy()));
          return;
        }
        if (cuttable) frameLeft = advanceFrames(chunk, frameLeft);
        to.write(chunk);
      });
    });
  };

  const server: Server = createServer((client) => {
    client.on('error', () => client.destroy());
    if (refusing) return void client.destroy();
    const upstreamSocket = connect(upstream);
    const pair = { client, server: upstreamSocket };
    pairs.add(pair);
    upstreamSocket.on('error', () => upstreamSocket.destroy());
    pipe(client, upstreamSocket, false);
    pipe(upstreamSocket, client, true);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstreamSocket.destroy();
    };
    client.on('close', end);
    upstreamSocket.on('close', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });

  return {
    port: (server.address() as AddressInfo).port,
    delay: (ms) => void (delayMs = ms),
    refuse: (on) => void (refusing = on),
    cutAll: () => {
      const n = pairs.size;
      for (const { client, server: s } of [...pairs]) {
        client.destroy();
        s.destroy();
      }
      return n;
    },
    cutMidFrame: () => (pairs.size > 0 ? (cutArmed = true) : false),
    get connections() {
      return pairs.size;
    },
    close: async () => {
      for (const { client, server: s } of [...pairs]) {
        client.destroy();
        s.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** How many bytes of the current frame are still to come after `chunk`, given `left` before it. */
function advanceFrames(chunk: Buffer, left: number): number {
  let i = 0;
  while (i < chunk.length) {
    if (left > 0) {
      const n = Math.min(left, chunk.length - i);
      left -= n;
      i += n;
    } else if (chunk.length - i >= 4) {
      left = 4 + chunk.readUInt32BE(i);
    } else {
      return 0; // a header split across chunks: lose track, harmlessly (the cut still lands inside some frame)
    }
  }
  return left;
}
