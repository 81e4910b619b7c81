import type { Duplex } from 'node:stream';
import {
  DEFAULT_COORDINATOR_TIMEOUT_MS,
  DEFAULT_FRAME_TIMEOUT_MS,
  DEFAULT_LOGIN_TIMEOUT_MS,
  ProtocolError,
  sniffCodec,
  type ErrorCode,
} from '../protocol/index.js';
import { AddressLimit, BUSY_REFUSAL_DELAY_MS, MAX_HELD_REFUSALS } from './limits/address-limit.js';
import { FramedSession } from './session/framed-session.js';
import type { PortRole } from './handlers/handler.js';
import { LegacySession } from './legacy/legacy-session.js';
import { LoginDeadline } from './session/login-deadline.js';
import { hangUp, refuseConnection } from './limits/refuse-connection.js';
import type { PortLoad } from './ports/port-load.js';
import type { ServerServices } from './services.js';

export interface ChatServerOptions {
  /** Bytes queued for a client that is not reading before it is dropped. @default 8 MiB */
  readonly maxOutboundBytes?: number;
  /** Serve the 2022 clients' legacy JSON; when false they get a one-line refusal. @default true */
  readonly legacy?: boolean;
  /**
   * Open connections per remote address, all ports together (shared with the listener, which counts a
   * TLS connection from its accept). @default a count of its own, at DEFAULT_MAX_CONNECTIONS_PER_ADDRESS (256)
   */
  readonly addresses?: AddressLimit;
  /** A node connection without a logged-in user is closed after this long; 0 for never. @default DEFAULT_LOGIN_TIMEOUT_MS (30 s) */
  readonly loginTimeoutMs?: number;
  /** A coordinator connection is closed after this long; 0 for never. @default DEFAULT_COORDINATOR_TIMEOUT_MS (10 s) */
  readonly coordinatorTimeoutMs?: number;
  /** A framed connection whose frame has not all come this long after its first byte is closed. @default DEFAULT_FRAME_TIMEOUT_MS (60 s) */
  readonly frameTimeoutMs?: number;
}

/** What a legacy connection reads when legacy support is off (`--no-legacy`). */
export const LEGACY_REFUSAL = 'fastchat: this server does not serve the 2022 legacy clients (started with --no-legacy)\n';

export const DEFAULT_MAX_OUTBOUND_BYTES = 8 * 1024 * 1024;

type Session = FramedSession | LegacySession;

/** How open connections are counted for metrics: legacy ones apart, whatever port they came to. */
export type ConnectionKind = PortRole | 'legacy';

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
  readonly #addresses: AddressLimit;
  /** Connections refused as one too many from their address, not closed yet. */
  #heldRefusals = 0;
  readonly #countRefusal = (code: ErrorCode) => this.services.metrics.errorSent(code);
  readonly #loginTimeoutMs: number;
  readonly #coordinatorTimeoutMs: number;
  readonly #frameTimeoutMs: number;
  /** Every open connection, with its session once the first byte has picked one. */
  readonly #connections = new Map<Duplex, Session | undefined>();
  /** The port role of each open connection, for connectionsByKind. */
  readonly #roles = new Map<Duplex, PortRole>();
  #closing = false;

  constructor(
    readonly services: ServerServices,
    options: ChatServerOptions = {},
  ) {
    this.#maxOutboundBytes = options.maxOutboundBytes ?? DEFAULT_MAX_OUTBOUND_BYTES;
    this.#legacy = options.legacy ?? true;
    this.#addresses = options.addresses ?? new AddressLimit();
    this.#loginTimeoutMs = options.loginTimeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS;
    this.#coordinatorTimeoutMs = options.coordinatorTimeoutMs ?? DEFAULT_COORDINATOR_TIMEOUT_MS;
    this.#frameTimeoutMs = options.frameTimeoutMs ?? DEFAULT_FRAME_TIMEOUT_MS;
  }

  get load(): PortLoad {
    return this.services.load;
  }

  /** Open connections, all ports together. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Open connections by kind (all kinds present), read when metrics are scraped. */
  connectionsByKind(): Record<ConnectionKind, number> {
    const counts: Record<ConnectionKind, number> = { node: 0, coordinator: 0, legacy: 0 };
    for (const [stream, role] of this.#roles) counts[this.#connections.get(stream) instanceof LegacySession ? 'legacy' : role]++;
    return counts;
  }

  /** Serves one connection until it closes. */
  handle(stream: Duplex, info: ConnectionInfo): void {
    if (this.#closing) {
      stream.destroy();
      return;
    }
    const { logger } = this.services;
    this.#connections.set(stream, undefined);
    this.#roles.set(stream, info.role);
    stream.once('close', () => this.#roles.delete(stream));
    // A reset or broken pipe is the peer's business; it still ends in 'close', which cleans up.
    stream.on('error', (error) => logger.debug('connection error', { role: info.role, error: error.message }));
    if (!this.#addresses.tryOpen(info.remoteAddress)) return this.#refuseBusy(stream, info);
    if (info.port !== undefined) this.load.opened(info.port);
    let session: Session | null | undefined;
    const deadline = new LoginDeadline(
      info.role === 'coordinator' ? this.#coordinatorTimeoutMs : this.#loginTimeoutMs,
      () => session?.session.user !== undefined,
      () => {
        logger.info('closing a connection that did not log in in time', { role: info.role, remote: info.remoteAddress });
        const message =
          info.role === 'coordinator' ? 'the coordinator only routes; connection closed' : 'no login in time; connection closed';
        if (session) session.close('idle_timeout', message);
        // Silent so far: presume a modern client (a 2022 one speaks first at once) and tell it in frames.
        else if (session === undefined) refuseConnection(stream, true, 'idle_timeout', message, this.#countRefusal);
        // (Either way the connection is hung up: it is cut within REFUSE_GRACE_MS.)
        session = null;
      },
    );
    deadline.arm();
    stream.once('close', () => {
      deadline.clear();
      this.#connections.delete(stream);
      this.#addresses.closed(info.remoteAddress);
      if (info.port !== undefined) this.load.closed(info.port);
    });
    // The peer finished writing: finish ours too (what a socket without half-open does), so 'close' follows.
    stream.once('end', () => stream.end());

    stream.on('data', (chunk: Buffer) => {
      if (session === undefined) {
        session = this.#open(stream, info, chunk[0]!, () => deadline.arm());
        if (session) this.#connections.set(stream, session);
      }
      // After a rejected first byte (session null) the rest is read and dropped until the peer closes.
      session?.receive(chunk);
    });
  }

  /**
   * One connection too many from its address: told so in its codec (its first byte shows which), but
   * only BUSY_REFUSAL_DELAY_MS after it came, so that a client dialling in a loop gets a few refusals
   * a second instead of making the server accept and refuse as fast as it can.
   */
  #refuseBusy(stream: Duplex, info: ConnectionInfo): void {
    const { logger } = this.services;
    const refused = this.#addresses.refusalToLog(info.remoteAddress);
    if (refused !== undefined) {
      logger.info('refusing connections: too many from their address', {
        role: info.role,
        remote: info.remoteAddress,
        max: this.#addresses.max,
        refused,
      });
    }
    // Past MAX_HELD_REFUSALS, cut at once: holding refused sockets must not be a way to exhaust ours.
    if (this.#heldRefusals >= MAX_HELD_REFUSALS) return void stream.destroy();
    this.#heldRefusals++;
    let firstByte: number | undefined;
    const answer = setTimeout(() => {
      // A peer that said nothing is cut without a word.
      if (firstByte === undefined) return void stream.destroy();
      refuseConnection(
        stream,
        firstByte === 0,
        'too_many_connections',
        `at most ${this.#addresses.max} connections per address`,
        this.#countRefusal,
      );
    }, BUSY_REFUSAL_DELAY_MS);
    answer.unref();
    stream.once('close', () => {
      clearTimeout(answer);
      this.#heldRefusals--;
      this.#connections.delete(stream);
    });
    // Read and drop whatever it sends until it goes; its first byte says in which codec to answer.
    stream.on('data', (chunk: Buffer) => void (firstByte ??= chunk[0]));
  }

  #open(stream: Duplex, info: ConnectionInfo, firstByte: number, loggedOut: () => void): Session | null {
    try {
      const codec = sniffCodec(firstByte);
      if (codec === 'framed') {
        return new FramedSession(stream, info.role, this.services, info.localAddress, info.remoteAddress, {
          maxOutboundBytes: this.#maxOutboundBytes,
          frameTimeoutMs: this.#frameTimeoutMs,
          loggedOut,
        });
      }
      if (!this.#legacy) {
        this.services.logger.info('refusing a legacy connection (--no-legacy)', { role: info.role, remote: info.remoteAddress });
        stream.write(LEGACY_REFUSAL);
        hangUp(stream);
        return null;
      }
      return new LegacySession(stream, info.role, this.services, info.remoteAddress, { maxOutboundBytes: this.#maxOutboundBytes });
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      // The peer speaks neither codec, so answer in plain text a person or a log can read.
      this.services.logger.info('rejecting connection', { role: info.role, remote: info.remoteAddress, error: error.message });
      stream.write(`fastchat: ${error.message}\n`);
      // Do not wait forever for a peer that keeps talking after being told no.
      hangUp(stream);
      return null;
    }
  }

  /**
   * Stops serving: no new connection is taken, and open ones are ended (framed clients are told
   * `shutting_down` first). Resolves when every connection has closed, destroying stragglers after
   * `graceMs`, and every session's logout (its user's last seen) is written.
   */
  async close(graceMs = 2000): Promise<void> {
    this.#closing = true;
    // Every send already queued is committed and acknowledged before the connections are told to go.
    await this.services.writer.close();
    const closed = [...this.#connections.keys()].map(
      (stream) => new Promise<void>((resolve) => (stream.destroyed ? resolve() : stream.once('close', () => resolve()))),
    );
    // Each session's logout writes its user's last seen: the database must stay open until they are in.
    const sessions = [...this.#connections.values()].filter((session) => session !== undefined);
    for (const [stream, session] of this.#connections) {
      if (session instanceof FramedSession) session.close('shutting_down', 'the server is shutting down; reconnect shortly');
      else stream.end();
    }
    const timer = setTimeout(() => [...this.#connections.keys()].forEach((s) => s.destroy()), graceMs);
    await Promise.all(closed);
    clearTimeout(timer);
    await Promise.all(sessions.map((session) => session.loggedOff()));
    // What legacy sessions were given is marked delivered before the database closes.
    await this.services.deliveredCursors.flushed();
  }
}
