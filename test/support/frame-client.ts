import type { Duplex } from 'node:stream';
import { socketPair } from '../../bench/support/socket-pair.js';
import { connect, type Socket } from 'node:net';
import { FrameDecoder, encodeFrame, type RawMessage } from '../../src/protocol/index.js';
import type { ChatServer, ConnectionInfo } from '../../src/server/chat-server.js';
import { WAIT_MS } from './wait.js';

/**
 * A raw framed peer for tests: writes frames or bytes, and collects every decoded frame so a test
 * can wait for the next one. Works over an in-memory duplex pair or a real socket.
 */
export class FrameClient {
  readonly received: RawMessage[] = [];
  readonly closed: Promise<void>;
  #waiters: Array<() => void> = [];
  #read = 0;
  #ended = false;
  /** Everything received, when the server did not answer in frames. */
  rawBytes = Buffer.alloc(0);

  constructor(readonly stream: Duplex) {
    const decoder = new FrameDecoder({ maxFrameBytes: 16 * 1024 * 1024 - 1 });
    let framed: boolean | undefined;
    stream.on('data', (chunk: Buffer) => {
      framed ??= chunk[0] === 0;
      if (!framed) {
        // Not framed (a plain-text rejection): keep the raw bytes only.
        this.rawBytes = Buffer.concat([this.rawBytes, chunk]);
        return this.#wake();
      }
      decoder.feed(chunk, (m) => {
        this.received.push(m);
        this.#wake();
      });
    });
    this.closed = new Promise((resolve) =>
      stream.once('close', () => {
        this.#ended = true;
        this.#wake();
        resolve();
      }),
    );
    // Behave like a socket without half-open: when the server ends, end our side too.
    stream.once('end', () => stream.end());
    stream.on('error', () => {
      // Resets are expected in tests that break connections; 'close' still follows.
    });
  }

  send(message: Record<string, unknown> & { t: string }): void {
    this.stream.write(encodeFrame(message));
  }

  write(bytes: Uint8Array | string): void {
    this.stream.write(bytes);
  }

  /** The next frame not yet returned; rejects if the connection ends first or after `timeoutMs`. */
  async next(timeoutMs = WAIT_MS): Promise<RawMessage> {
    const deadline = Date.now() + timeoutMs;
    while (this.#read >= this.received.length) {
      if (this.#ended) throw new Error('connection closed before the next frame');
      if (Date.now() > deadline) throw new Error(`no frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received[this.#read++]!;
  }

  /** Sends a request and returns its reply (the next frame). */
  async request(message: Record<string, unknown> & { t: string }): Promise<RawMessage> {
    this.send(message);
    return this.next();
  }

  /** Ends our side; the server ends its side in turn and the connection closes. */
  close(): void {
    this.stream.end();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    waiters.forEach((w) => w());
  }
}

/** Connects a FrameClient to the core through an in-memory duplex pair: no sockets. */
export function connectInMemory(core: ChatServer, info: ConnectionInfo): FrameClient {
  const [clientSide, serverSide] = socketPair();
  core.handle(serverSide, info);
  return new FrameClient(clientSide);
}

/** Connects a FrameClient over real TCP. */
export function connectTcpClient(port: number, host = '127.0.0.1'): Promise<FrameClient> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host, port }, () => resolve(new FrameClient(socket)));
    socket.once('error', reject);
  });
}
