/**
 * A byte pipe to a server: what the client layer needs of a connection and nothing more, so the
 * client can be driven by a socket, a TLS socket or an in-memory pair in tests.
 */
export interface Transport {
  /** Queues bytes for the server. Ignored once closed. */
  send(bytes: Uint8Array): void;
  /** Registers the receiver of every chunk, in order. Set once, before data can arrive. */
  onData(listener: (chunk: Buffer) => void): void;
  /** Ends the connection; `closed` settles once it is down. */
  close(): void;
  /** Resolves when the connection is down: with the error that broke it, or undefined on a clean close. */
  readonly closed: Promise<Error | undefined>;
  /** `host:port` of the peer, for messages. */
  readonly address: string;
}
