import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket, createSecureContext, type SecureContext } from 'node:tls';
import type { ErrorCode } from '../../protocol/index.js';
import type { Logger } from '../../util/logger.js';
import type { ConnectionInfo } from '../chat-server.js';
import { ListenError, PortInUseError } from '../errors.js';
import type { PortRole } from '../handlers/handler.js';
import type { PortLoad } from './port-load.js';
import { refuseConnection } from '../limits/refuse-connection.js';
import { AddressLimit, BUSY_REFUSAL_DELAY_MS, MAX_HELD_REFUSALS } from '../limits/address-limit.js';

/** Where accepted connections go: the server core, or something holding them until it is ready. */
export interface ConnectionSink {
  handle(stream: Duplex, info: ConnectionInfo): void;
}

export interface ListenOptions {
  /** Interface to bind. @default '127.0.0.1' */
  readonly host: string;
  /** Node ports; 0 asks the system for a free one (tests). */
  readonly ports: readonly number[];
  /** Coordinator port; 0 asks for a free one. */
  readonly coordinatorPort: number;
  /** Serve TLS on every port (protocol.md § TLS); absent: plain TCP as before. */
  readonly tls?: ListenTls | undefined;
  /** Told of each connection the listener itself refuses in frames (`tls_required`), for the metrics. */
  readonly onRefused?: ((code: ErrorCode) => void) | undefined;
  /**
   * The process's per-address connection count (the core's): with TLS, a connection is counted from
   * its accept, so connections still in their handshake or silent count against the limit too.
   */
  readonly addresses?: AddressLimit | undefined;
}

export interface ListenTls {
  /** PEM certificate chain. */
  readonly cert: string;
  /** PEM private key of the certificate. */
  readonly key: string;
  /** Still serve modern clients that speak plain frames; otherwise they are refused with `tls_required`. @default false */
  readonly allowPlaintext?: boolean;
}

/** First byte of a TLS record carrying a handshake (a ClientHello): content type 22. */
const TLS_HANDSHAKE = 0x16;

/**
 * With TLS on, a connection is held here until its first byte shows what it speaks. Every client
 * (modern or 2022) speaks first, so one silent this long is cut without a word.
 */
export const FIRST_BYTE_TIMEOUT_MS = 10_000;

export const TLS_REQUIRED_MESSAGE = 'this server requires TLS: connect without --plaintext (see docs/protocol.md § TLS)';

export interface Listening {
  readonly host: string;
  /** Node ports as bound (a 0 replaced by the port the system chose). */
  readonly ports: readonly number[];
  readonly coordinatorPort: number;
  /** Stops accepting on every port. Open connections are the core's to close. */
  close(): Promise<void>;
}

/**
 * The only server code that touches node:net: binds every node port and the coordinator port and
 * hands each accepted socket to the sink. All or nothing: if one port cannot be bound, the ones
 * already bound are released and the error names the port.
 */
export async function listen(sink: ConnectionSink, load: PortLoad, logger: Logger, options: ListenOptions): Promise<Listening> {
  const servers: Server[] = [];
  const accept = options.tls
    ? new TlsSniffer(sink, logger, options.tls, options.onRefused, options.addresses ?? new AddressLimit(0))
    : sink;
  const release = async () => {
    await Promise.all(servers.map((server) => closeServer(server)));
    if (accept instanceof TlsSniffer) accept.dropAll();
  };
  try {
    const ports: number[] = [];
    for (const port of options.ports) {
      const server = await bind(options.host, port, 'node', accept, logger);
      servers.push(server);
      const bound = boundPort(server);
      load.addPort(bound);
      ports.push(bound);
    }
    const coordinator = await bind(options.host, options.coordinatorPort, 'coordinator', accept, logger);
    servers.push(coordinator);
    return { host: options.host, ports, coordinatorPort: boundPort(coordinator), close: async () => void (await release()) };
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * One port serves TLS, the 2022 legacy JSON and (when allowed) plain frames, told apart by the first
 * byte as the core tells frames from JSON (protocol.md § Sniffing): 0x16 starts a TLS handshake and
 * the decrypted stream goes to the core, which then sniffs again inside it; `{` is a legacy client,
 * which never had TLS, so it stays plain; 0x00 is a modern client that skipped TLS.
 */
class TlsSniffer implements ConnectionSink {
  readonly #context: SecureContext;
  readonly #allowPlaintext: boolean;
  /** Connections whose first byte has not come yet: ours to cut on close. */
  readonly #waiting = new Set<Socket>();
  /** Connections refused as one too many from their address, not cut yet. */
  #heldRefusals = 0;

  constructor(
    private readonly sink: ConnectionSink,
    private readonly logger: Logger,
    tls: ListenTls,
    private readonly onRefused: ((code: ErrorCode) => void) | undefined,
    private readonly addresses: AddressLimit,
  ) {
    // Parsed once: a bad certificate or key fails start-up, not the first client.
    this.#context = createSecureContext({ cert: tls.cert, key: tls.key });
    this.#allowPlaintext = tls.allowPlaintext ?? false;
  }

  handle(stream: Duplex, info: ConnectionInfo): void {
    const socket = stream as Socket;
    // Counted from now, not from when the core gets it: a handshake or a first byte may take
    // FIRST_BYTE_TIMEOUT_MS, and connections held that long must count against their address.
    if (!this.addresses.tryOpen(info.remoteAddress)) return this.#refuseBusy(socket, info);
    this.#waiting.add(socket);
    // Also bounds the TLS handshake: the timer is cleared only once the core has the connection.
    const timer = setTimeout(() => socket.destroy(), FIRST_BYTE_TIMEOUT_MS).unref();
    // Once: on close before the core has it, or as it is handed to the core, which counts it again.
    let counted = true;
    const done = () => {
      clearTimeout(timer);
      this.#waiting.delete(socket);
      if (counted) this.addresses.closed(info.remoteAddress);
      counted = false;
    };
    socket.once('close', done);
    // A reset before the first byte is nobody's business but must not be an unhandled 'error'.
    socket.on('error', () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      // Put the byte back: the TLS layer (or the core) must read the stream from its very start.
      socket.unshift(chunk);
      if (chunk[0] === TLS_HANDSHAKE) return this.#secure(socket, info, done);
      done();
      socket.off('close', done);
      if (chunk[0] === 0x00 && !this.#allowPlaintext) {
        // Debug, not info: one line per refused connection would let a client flood the log; each is counted in the metrics.
        this.logger.debug('refusing a plaintext framed connection (TLS required)', { role: info.role, remote: info.remoteAddress });
        refuseConnection(socket, true, 'tls_required', TLS_REQUIRED_MESSAGE, this.onRefused);
        socket.resume();
        return;
      }
      socket.removeAllListeners('error');
      this.sink.handle(socket, info);
      // Paused above, and a 'data' listener does not undo an explicit pause; a sink that holds the
      // connection without reading yet (start-up) resumes it when it hands it on.
      if (socket.listenerCount('data') > 0) socket.resume();
    });
  }

  #secure(socket: Socket, info: ConnectionInfo, done: () => void): void {
    const secure = new TLSSocket(socket, { isServer: true, secureContext: this.#context });
    // A failed handshake (a client that distrusts our certificate, garbage after 0x16) ends here,
    // before the core has seen a byte; the core's own 'error' listener takes over once it has it.
    secure.once('error', (error: Error) => {
      this.logger.debug('TLS handshake failed', { role: info.role, remote: info.remoteAddress, error: error.message });
      secure.destroy();
    });
    secure.once('secure', () => {
      done();
      socket.off('close', done);
      secure.removeAllListeners('error');
      this.sink.handle(secure, info);
    });
  }

  /**
   * One too many from its address before it said a word: before a handshake it cannot be told in
   * frames, and a handshake would be an expensive way to say no. It is held, unread, and cut after
   * BUSY_REFUSAL_DELAY_MS, so a client dialling in a loop gets one cut a second per dial, as the core's
   * refusals do; past MAX_HELD_REFUSALS it is cut at once.
   */
  #refuseBusy(socket: Socket, info: ConnectionInfo): void {
    const refused = this.addresses.refusalToLog(info.remoteAddress);
    if (refused !== undefined) {
      this.logger.info('refusing connections: too many from their address', {
        role: info.role,
        remote: info.remoteAddress,
        max: this.addresses.max,
        refused,
      });
    }
    socket.on('error', () => socket.destroy());
    if (this.#heldRefusals >= MAX_HELD_REFUSALS) return void socket.destroy();
    this.#heldRefusals++;
    socket.pause();
    const cut = setTimeout(() => socket.destroy(), BUSY_REFUSAL_DELAY_MS).unref();
    socket.once('close', () => {
      clearTimeout(cut);
      this.#heldRefusals--;
    });
  }

  dropAll(): void {
    for (const socket of this.#waiting) socket.destroy();
    this.#waiting.clear();
  }
}

function bind(host: string, port: number, role: PortRole, sink: ConnectionSink, logger: Logger): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer({ noDelay: true }, (socket: Socket) => {
      sink.handle(socket, {
        role,
        port: role === 'node' ? boundPort(server) : undefined,
        localAddress: socket.localAddress,
        remoteAddress: socket.remoteAddress,
      });
    });
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new PortInUseError(host, port, { cause: error }));
      else reject(new ListenError(host, port, error.code ?? error.message, { cause: error }));
    });
    // Under `--workers` (node:cluster) each worker binds its own node ports itself (exclusive), while
    // the coordinator port is shared by all workers through the primary; a lone process sees no difference.
    server.listen({ host, port, backlog: 1024, exclusive: role === 'node' }, () => {
      server.removeAllListeners('error');
      // After binding, an accept failure (such as running out of file descriptors) is logged, not fatal.
      server.on('error', (error) => logger.error('listener error', { role, port, error: error.message }));
      resolve(server);
    });
  });
}

function boundPort(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server is not listening on TCP');
  return address.port;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
}
