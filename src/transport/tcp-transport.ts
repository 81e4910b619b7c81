import { connect, type Socket } from 'node:net';
import { ConnectError } from './errors.js';
import type { Transport } from './transport.js';

export interface TcpConnectOptions {
  readonly host: string;
  readonly port: number;
  /** Give up connecting after this long. @default 5000 */
  readonly timeoutMs?: number;
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is fastchat-server running?)',
  EHOSTUNREACH: 'host unreachable',
  ENOTFOUND: 'unknown host',
  ETIMEDOUT: 'timed out',
};

/** `host:port`, with an IPv6 host in brackets. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Why a connect failed, in words, from the socket error's code. */
export function connectFailure(error: NodeJS.ErrnoException): string {
  return REASONS[error.code ?? ''] ?? error.message;
}

/** Opens a TCP connection; rejects with ConnectError naming the address. */
export function connectTcp(options: TcpConnectOptions): Promise<Transport> {
  const address = formatAddress(options.host, options.port);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: options.host, port: options.port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ConnectError(address, REASONS.ETIMEDOUT!));
    }, options.timeoutMs ?? 5000);
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new ConnectError(address, connectFailure(error), { cause: error }));
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(new TcpTransport(socket, address));
    });
  });
}

/** A Transport over a connected socket, plain or TLS (a TLSSocket is a Socket). */
export class TcpTransport implements Transport {
  readonly closed: Promise<Error | undefined>;
  #error: Error | undefined;

  constructor(
    private readonly socket: Socket,
    readonly address: string,
  ) {
    socket.on('error', (error) => (this.#error = error));
    this.closed = new Promise((resolve) => socket.once('close', () => resolve(this.#error)));
  }

  send(bytes: Uint8Array): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(bytes);
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.socket.on('data', listener);
  }

  close(): void {
    this.socket.end();
    // A server that never answers our FIN must not keep the process alive.
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }
}
