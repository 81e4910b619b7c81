/** The server could not be reached: refused, unreachable or timed out. Names the address tried. */
export class ConnectError extends Error {
  override readonly name = 'ConnectError';
  readonly code = 'connect_failed';
  constructor(
    readonly address: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot reach the server at ${address}: ${detail}`, options);
  }
}

/**
 * The server's certificate was refused: not signed by the CA (`--ca`), not for this host, or not the
 * one pinned for it. `detail` says which; the connection is closed before anything is sent.
 */
export class TlsVerifyError extends Error {
  override readonly name = 'TlsVerifyError';
  readonly code: string = 'tls_verify_failed';
  constructor(
    readonly address: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`the TLS certificate of ${address} was refused: ${detail}`, options);
  }
}
