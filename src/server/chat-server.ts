import type { Duplex } from 'node:stream';
import { ProtocolError, sniffCodec } from '../protocol/index.js';
import { FramedSession } from './framed-session.js';
import type { PortRole } from './handler.js';
import { LegacySession } from './legacy/legacy-session.js';
import type { PortLoad } from './port-load.js';
import type { ServerServices } from './services.js';

export interface ChatServerOptions {
  /** Bytes queued for a client that is not reading before it is dropped. @default 8 MiB */
  readonly maxOutboundBytes?: number;
  /** Serve the 2022 clients' legacy JSON; when false they get a one-line refusal. @default true */
  readonly legacy?: boolean;
}

/** What a legacy connection reads when legacy support is off (`--no-legacy`). */
export const LEGACY_REFUSAL = 'fastchat: this server does not serve the 2022 legacy clients (started with --no-legacy)\n';

export const DEFAULT_MAX_OUTBOUND_BYTES = 8 * 1024 * 1024;

/** How long a connection rejected on its first byte may linger before it is cut. */
const REJECT_GRACE_MS = 1000;

/** Where a connection arrived. */
export interface ConnectionInfo {
  readonly role: PortRole;
  /** The node port it arrived on (counted for routing); absent on the coordinator. */
  readonly port?: number;
  readonly localAddress?: string;
  readonly remoteAddress?: string;
}

/**
 * The server core. It never opens a socket: the listener (or a test) hands it any duplex stream, and
 * it sniffs the first byte to pick the codec (protocol.md § Sniffing), counts node connections for the
 * coordinator, and owns every open connection so it can close them on shutdown.
 */
export class ChatServer {
  readonly #maxOutboundBytes: number;
  readonly #legacy: boolean;
  /** Every open connection, with its session once the first byte has picked one. */
  readonly #connections = new Map<Duplex, FramedSession | LegacySession | undefined>();
  #closing = false;

  constructor(
    readonly services: ServerServices,
    options: ChatServerOptions = {},
  ) {
    this.#maxOutboundBytes = options.maxOutboundBytes ?? DEFAULT_MAX_OUTBOUND_BYTES;
    this.#legacy = options.legacy ?? true;
  }

  get load(): PortLoad {
    return this.services.load;
  }

  /** Open connections, all ports together. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Serves one connection until it closes. */
  handle(stream: Duplex, info: ConnectionInfo): void {
    if (this.#closing) {
      stream.destroy();
      return;
    }
    const { logger } = this.services;
    this.#connections.set(stream, undefined);
    if (info.port !== undefined) this.load.opened(info.port);
    stream.once('close', () => {
      this.#connections.delete(stream);
      if (info.port !== undefined) this.load.closed(info.port);
    });
    // The peer finished writing: finish ours too (what a socket without half-open does), so 'close' follows.
    stream.once('end', () => stream.end());
    // A reset or broken pipe is the peer's business; it still ends in 'close', which cleans up.
    stream.on('error', (error) => logger.debug('connection error', { role: info.role, error: error.message }));

    let session: FramedSession | LegacySession | null | undefined;
    stream.on('data', (chunk: Buffer) => {
      if (session === undefined) {
        session = this.#open(stream, info, chunk[0]!);
        if (session) this.#connections.set(stream, session);
      }
      // After a rejected first byte (session null) the rest is read and dropped until the peer closes.
      session?.receive(chunk);
    });
  }

  #open(stream: Duplex, info: ConnectionInfo, firstByte: number): FramedSession | LegacySession | null {
    try {
      const codec = sniffCodec(firstByte);
      if (codec === 'framed') {
        return new FramedSession(stream, info.role, this.services, info.localAddress, info.remoteAddress, { maxOutboundBytes: this.#maxOutboundBytes });
      }
      if (!this.#legacy) {
        this.services.logger.info('refusing a legacy connection (--no-legacy)', { role: info.role, remote: info.remoteAddress });
        stream.end(LEGACY_REFUSAL);
        setTimeout(() => stream.destroy(), REJECT_GRACE_MS).unref();
        return null;
      }
      return new LegacySession(stream, info.role, this.services, info.remoteAddress, { maxOutboundBytes: this.#maxOutboundBytes });
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      // The peer speaks neither codec, so answer in plain text a person or a log can read.
      this.services.logger.info('rejecting connection', { role: info.role, remote: info.remoteAddress, error: error.message });
      stream.end(`fastchat: ${error.message}\n`);
      // Do not wait forever for a peer that keeps talking after being told no.
      setTimeout(() => stream.destroy(), REJECT_GRACE_MS).unref();
      return null;
    }
  }

  /**
   * Stops serving: no new connection is taken, and open ones are ended (framed clients are told
   * `shutting_down` first). Resolves when every connection has closed, destroying stragglers after
   * `graceMs`.
   */
  async close(graceMs = 2000): Promise<void> {
    this.#closing = true;
    // Every send already queued is committed and acknowledged before the connections are told to go.
    await this.services.writer.close();
    const closed = [...this.#connections.keys()].map(
      (stream) => new Promise<void>((resolve) => (stream.destroyed ? resolve() : stream.once('close', () => resolve()))),
    );
    for (const [stream, session] of this.#connections) {
      if (session instanceof FramedSession) session.close('shutting_down', 'the server is shutting down; reconnect shortly');
      else stream.end();
    }
    const timer = setTimeout(() => [...this.#connections.keys()].forEach((s) => s.destroy()), graceMs);
    await Promise.all(closed);
    clearTimeout(timer);
  }
}
