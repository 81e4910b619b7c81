import { connect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import { ConnectError, TlsVerifyError } from './errors.js';
import { TcpTransport, connectFailure, formatAddress } from './tcp-transport.js';
import type { Transport } from './transport.js';

/** What the client learns of the server's certificate before deciding to trust it. */
export interface PeerCert {
  /** SHA-256 of the DER certificate: upper-case hex pairs joined by ':'. */
  readonly fingerprint: string;
  readonly subject: string;
  readonly validTo: string;
}

export interface TlsConnectOptions {
  readonly host: string;
  readonly port: number;
  /** Give up connecting (TCP and handshake) after this long. @default 5000 */
  readonly timeoutMs?: number;
  /**
   * PEM certificate(s) of the CA the server's certificate must chain to, with the standard hostname
   * check. Absent: the chain is not checked and `verify` alone decides (trust on first use).
   */
  readonly ca?: string | undefined;
  /** Called after the handshake, before the connection is handed out; throw to refuse the server. */
  readonly verify?: ((peer: PeerCert) => void | Promise<void>) | undefined;
}

/**
 * Opens a TLS connection; rejects with ConnectError when the server cannot be reached and with
 * TlsVerifyError when its certificate is refused. Nothing is written before the certificate passed.
 */
export function connectTls(options: TlsConnectOptions): Promise<Transport> {
  const address = formatAddress(options.host, options.port);
  return new Promise((resolve, reject) => {
    const socket: TLSSocket = connect({
      host: options.host,
      port: options.port,
      // SNI carries names only; an IP address is checked against the certificate's IP entries.
      ...(isIP(options.host) ? {} : { servername: options.host }),
      ...(options.ca === undefined ? { rejectUnauthorized: false } : { ca: options.ca, rejectUnauthorized: true }),
    });
    socket.setNoDelay(true);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new ConnectError(address, 'timed out')), options.timeoutMs ?? 5000);
    socket.once('error', (error: NodeJS.ErrnoException) => {
      // A plain server answers a ClientHello with a line of text, which OpenSSL reads as a bad record.
      if (error.code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long/.test(error.message)) {
        fail(
          new ConnectError(address, 'the server does not speak TLS (if it runs with --plaintext, connect with --plaintext too)', {
            cause: error,
          }),
        );
      } else if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
        fail(new ConnectError(address, 'the connection was closed during the TLS handshake', { cause: error }));
        // A handshake refused by our side (bad chain, wrong host) has a code of the OpenSSL family or ERR_TLS_*.
      } else if (error.code && /^(ERR_TLS|CERT|UNABLE|SELF_SIGNED|DEPTH|ERR_SSL)/.test(error.code)) {
        fail(new TlsVerifyError(address, `${error.message} (${error.code})`, { cause: error }));
      } else fail(new ConnectError(address, connectFailure(error), { cause: error }));
    });
    socket.once('secureConnect', () => {
      const cert: PeerCertificate = socket.getPeerCertificate();
      const peer: PeerCert = { fingerprint: cert.fingerprint256, subject: String(cert.subject?.CN ?? ''), validTo: cert.valid_to };
      Promise.resolve()
        .then(() => options.verify?.(peer))
        .then(
          () => {
            clearTimeout(timer);
            socket.removeAllListeners('error');
            resolve(new TcpTransport(socket, address));
          },
          (error: unknown) => fail(error instanceof Error ? error : new TlsVerifyError(address, String(error))),
        );
    });
  });
}
