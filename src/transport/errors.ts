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
