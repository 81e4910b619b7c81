import type { Duplex } from 'node:stream';
import {
  FrameDecoder,
  ProtocolError,
  encodeFrame,
  requestIdOf,
  validateRequest,
  type ErrorCode,
  type RawMessage,
  type ServerMessage,
} from '../protocol/index.js';
import { RequestError } from './errors.js';
import type { PortRole, RequestContext, ServerServices } from './handler.js';
import { dispatch } from './handlers/index.js';

export interface SessionOptions {
  /** Bytes queued for a client that is not reading before it is dropped. @default 8 MiB */
  readonly maxOutboundBytes: number;
}

/**
 * One framed connection: decodes frames, validates each request, runs it through its handler and
 * writes exactly one reply per request (protocol.md § Requests). Requests are started in arrival
 * order; their replies may overtake each other and are matched by `id`.
 *
 * A framing error is fatal: it is answered with an id-less `error` frame and the connection is ended.
 * A bad request is not: it gets its `error` reply and the connection carries on.
 */
export class FramedSession implements RequestContext {
  readonly #decoder: FrameDecoder;
  #greeted = false;
  #closed = false;

  constructor(
    private readonly stream: Duplex,
    readonly role: PortRole,
    readonly services: ServerServices,
    readonly localAddress: string | undefined,
    private readonly options: SessionOptions,
  ) {
    this.#decoder = new FrameDecoder({ maxFrameBytes: services.maxFrameBytes });
  }

  get greeted(): boolean {
    return this.#greeted;
  }

  greet(): void {
    this.#greeted = true;
  }

  receive(chunk: Buffer): void {
    if (this.#closed) return;
    try {
      this.#decoder.feed(chunk, (raw) => this.#onMessage(raw));
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.services.logger.info('closing connection after protocol error', { role: this.role, error: error.message });
      this.close(error.code, error.message);
    }
  }

  /** Sends one message, dropping the connection if the client has stopped reading. */
  send(message: ServerMessage): void {
    if (this.#closed) return;
    this.stream.write(encodeFrame(message));
    if (this.stream.writableLength > this.options.maxOutboundBytes) {
      this.services.logger.warn('dropping a client that does not read', { role: this.role, queued: this.stream.writableLength });
      this.#closed = true;
      this.stream.destroy();
    }
  }

  /** Ends the connection with a final id-less error frame saying why. */
  close(code: ErrorCode, message: string): void {
    this.send({ t: 'error', code, message });
    this.#closed = true;
    this.stream.end();
  }

  #onMessage(raw: RawMessage): void {
    if (this.#closed) return;
    let request;
    try {
      request = validateRequest(raw);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.#replyError(requestIdOf(raw), error.code, error.message);
      return;
    }
    const id = request.id;
    dispatch(request, this).then(
      (reply) => this.send(reply),
      (error: unknown) => {
        if (error instanceof RequestError) {
          this.#replyError(id, error.code, error.message);
        } else {
          this.services.logger.error('request failed', { type: request.t, error: String(error) });
          this.#replyError(id, 'internal', 'the server failed to handle this request; retry');
        }
      },
    );
  }

  #replyError(id: number | undefined, code: ErrorCode, message: string): void {
    this.send(id === undefined ? { t: 'error', code, message } : { t: 'error', id, code, message });
  }
}
