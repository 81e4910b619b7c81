import {
  FrameDecoder,
  MAX_FRAME_BYTES_CEILING,
  SERVER_FRAME_BOUNDS,
  PUSH_SCHEMAS,
  ProtocolError,
  RESULT_SCHEMAS,
  type Push,
  type PushType,
  encodeFrame,
  isErrorCode,
  type RawMessage,
  type RequestOf,
  type RequestType,
  type ResultOf,
} from '../protocol/index.js';
import type { Transport } from '../transport/transport.js';
import { ConnectionClosedError, RequestFailedError, RequestTimeoutError, ServerProtocolError } from './errors.js';

export interface RpcOptions {
  /** Deadline of a request without its own. @default 10000 */
  readonly requestTimeoutMs?: number;
  /** Largest frame accepted from the server. @default 16 MiB - 1 */
  readonly maxFrameBytes?: number;
}

/** Timed-out request ids remembered per connection: a reply later than this many more timeouts closes it as unknown. */
const ABANDONED_IDS_KEPT = 1024;

interface Pending {
  readonly type: RequestType;
  readonly resolve: (result: never) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** A request as the caller writes it: everything but the `id`, which the connection assigns. */
export type RequestBody<T extends RequestType> = Omit<RequestOf<T>, 'id'>;

/**
 * Framed request/reply over a Transport (protocol.md § Requests): assigns ids, matches replies, and
 * holds every request to a deadline. When the connection closes, every pending request is rejected
 * with ConnectionClosedError; nothing is left waiting.
 */
export class RpcConnection {
  readonly #decoder: FrameDecoder;
  readonly #pending = new Map<number, Pending>();
  /** Ids of requests that timed out, oldest first: their replies may still come. */
  readonly #abandoned = new Set<number>();
  readonly #timeoutMs: number;
  readonly #pushListeners = new Set<(push: Push) => void>();
  #nextId = 1;
  #closeReason: Error | undefined;
  /** Settles when the connection is down, with the reason. */
  readonly closed: Promise<Error>;

  constructor(
    private readonly transport: Transport,
    options: RpcOptions = {},
  ) {
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#decoder = new FrameDecoder({
      limits: { ...SERVER_FRAME_BOUNDS, maxFrameBytes: options.maxFrameBytes ?? MAX_FRAME_BYTES_CEILING },
    });
    transport.onData((chunk) => this.#receive(chunk));
    this.closed = transport.closed.then((error) => {
      const reason = this.#closeReason ?? new ConnectionClosedError(`the connection to ${transport.address} closed`, { cause: error });
      this.#closeReason = reason;
      for (const pending of this.#pending.values()) {
        clearTimeout(pending.timer);
        pending.reject(reason);
      }
      this.#pending.clear();
      return reason;
    });
  }

  get address(): string {
    return this.transport.address;
  }

  /** Sends one request and resolves with its validated result, or rejects with a typed error. */
  request<T extends RequestType>(body: RequestBody<T> & { t: T }, options: { timeoutMs?: number } = {}): Promise<ResultOf<T>> {
    if (this.#closeReason) return Promise.reject(this.#closeReason);
    const id = this.#nextId;
    this.#nextId = (this.#nextId % 0xffff_ffff) + 1;
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    return new Promise<ResultOf<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        this.#abandon(id);
        reject(new RequestTimeoutError(body.t, timeoutMs));
      }, timeoutMs);
      this.#pending.set(id, { type: body.t, resolve: resolve, reject, timer });
      this.transport.send(encodeFrame({ ...body, id }));
    });
  }

  close(): void {
    this.transport.close();
  }

  /** Calls `listener` with every validated server push, in arrival order. Returns an unsubscribe function. */
  onPush(listener: (push: Push) => void): () => void {
    this.#pushListeners.add(listener);
    return () => this.#pushListeners.delete(listener);
  }

  #receive(chunk: Buffer): void {
    try {
      this.#decoder.feed(chunk, (message) => this.#onMessage(message));
    } catch (error) {
      const detail = error instanceof ProtocolError ? error.message : String(error);
      this.#fail(new ServerProtocolError(detail, { cause: error }));
    }
  }

  #onMessage(message: RawMessage): void {
    const id = message.id;
    if (message.t === 'error' && id === undefined) {
      // Connection-level error: the server is about to close; keep its reason for pending requests.
      const code = typeof message.code === 'string' ? message.code : 'internal';
      this.#closeReason = new RequestFailedError(
        code,
        typeof message.message === 'string' ? message.message : 'the server closed the connection',
      );
      return;
    }
    if (id === undefined && message.t !== 'ok' && message.t !== 'error') return this.#onPush(message);
    const pending = typeof id === 'number' ? this.#pending.get(id) : undefined;
    // The late reply to a request that timed out: a slow server (a loaded machine), not a broken one.
    if (!pending && this.#abandoned.delete(id as number)) return;
    if (!pending) return this.#fail(new ServerProtocolError(`reply to unknown request id ${String(id)}`));
    this.#pending.delete(id as number);
    clearTimeout(pending.timer);
    if (message.t === 'ok') {
      try {
        pending.resolve(RESULT_SCHEMAS[pending.type].parse(message, '') as never);
      } catch (error) {
        pending.reject(new ServerProtocolError(`bad "${pending.type}" reply: ${String(error)}`, { cause: error }));
      }
    } else if (message.t === 'error') {
      const code = isErrorCode(message.code) ? message.code : String(message.code);
      const retryAfterMs = typeof message.retryAfterMs === 'number' && message.retryAfterMs >= 0 ? message.retryAfterMs : undefined;
      pending.reject(new RequestFailedError(code, String(message.message), retryAfterMs));
    } else {
      pending.reject(new ServerProtocolError(`unexpected reply type "${message.t}"`));
    }
  }

  #onPush(message: RawMessage): void {
    // A push type this client does not know comes from a newer server: skip it.
    if (!Object.hasOwn(PUSH_SCHEMAS, message.t)) return;
    let push: Push;
    try {
      push = PUSH_SCHEMAS[message.t as PushType].parse(message, '');
    } catch (error) {
      return this.#fail(new ServerProtocolError(`bad "${message.t}" push: ${String(error)}`, { cause: error }));
    }
    for (const listener of this.#pushListeners) listener(push);
  }

  /** Remembers a timed-out request's id (the latest ABANDONED_IDS_KEPT), so that its late reply is dropped. */
  #abandon(id: number): void {
    this.#abandoned.add(id);
    if (this.#abandoned.size > ABANDONED_IDS_KEPT) this.#abandoned.delete(this.#abandoned.values().next().value!);
  }

  #fail(error: Error): void {
    this.#closeReason ??= error;
    this.transport.close();
  }
}
