import type { Duplex } from 'node:stream';
import {
  DEFAULT_DECODE_BOUNDS,
  FrameDecoder,
  PRE_LOGIN_FRAME_LIMITS,
  ProtocolError,
  encodeFrame,
  requestIdOf,
  validateRequest,
  type ErrorCode,
  type RawMessage,
  type Request,
  type ServerMessage,
} from '../../protocol/index.js';
import { ClientSession } from './client-session.js';
import { RequestError } from '../errors.js';
import type { PortRole, RequestContext } from '../handlers/handler.js';
import { dispatch } from '../handlers/index.js';
import type { ServerServices } from '../services.js';
import { RequestGate } from './request-gate.js';
import { hangUp } from '../limits/refuse-connection.js';
import { addressKey } from '../limits/address-limit.js';
import { logOut } from './session-lifecycle.js';

export interface SessionOptions {
  /** Bytes queued for a client that is not reading before it is dropped. @default 8 MiB */
  readonly maxOutboundBytes: number;
  /** Time a frame may take from its first byte to its last; then the connection is closed. */
  readonly frameTimeoutMs: number;
  /** Called after a `logout`: the connection is without a user again, and its login deadline restarts. */
  readonly loggedOut?: () => void;
}

/** The requests that log a session in, paced per address before login. */
const LOGINS: ReadonlySet<string> = new Set(['login', 'signup', 'resume']);

/** Catch-up waits while more than this is queued for the client, so a backlog cannot trip the outbound limit. */
const CATCH_UP_HIGH_WATER = 256 * 1024;

/**
 * One framed connection: decodes frames, validates each request, runs it through its handler and
 * writes exactly one reply per request (protocol.md § Requests). Requests are started in arrival
 * order; their replies may overtake each other and are matched by `id`.
 *
 * A framing error is fatal: it is answered with an id-less `error` frame and the connection is ended.
 * A bad request is not: it gets its `error` reply and the connection carries on.
 */
export class FramedSession {
  readonly #decoder: FrameDecoder;
  readonly #context: RequestContext;
  #closed = false;
  /** The logout run when the connection closed. */
  #loggedOff: Promise<void> | undefined;
  /** Writes are being gathered until the end of this turn. */
  #corked = false;
  /** When each request may start (in-flight cap, unread replies, holds after `rate_limited`). */
  readonly #gate: RequestGate<Request>;
  /** Armed while a frame is part-way in: it must be whole by then. */
  #frameDeadline: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: Duplex,
    readonly role: PortRole,
    readonly services: ServerServices,
    localAddress: string | undefined,
    remoteAddress: string | undefined,
    private readonly options: SessionOptions,
  ) {
    // Until it logs in, a connection's frames are small and simple (protocol.md § Limits): decoding is
    // the one cost the server pays before it knows who is asking.
    const loggedIn = { ...DEFAULT_DECODE_BOUNDS, maxFrameBytes: services.limits.maxFrameBytes };
    const anonymous = {
      ...PRE_LOGIN_FRAME_LIMITS,
      maxFrameBytes: Math.min(PRE_LOGIN_FRAME_LIMITS.maxFrameBytes, services.limits.maxFrameBytes),
    };
    this.#decoder = new FrameDecoder({ limits: () => (this.#context.session.user === undefined ? anonymous : loggedIn) });
    // Sends have a per-user rate of their own (handlers/send.ts); every other request of a logged-in
    // session is paced per user. Before login there is no user: what costs (a login's slow hash, a
    // session's set-up) is paced per address, the rest is bounded by the login deadline.
    this.#gate = new RequestGate(
      stream,
      (request) => this.#start(request),
      (request) => {
        if (request.t === 'send') return 0;
        const user = this.#context.session.user;
        if (user !== undefined) return services.requestPace.reserve(user.id);
        return LOGINS.has(request.t) && remoteAddress !== undefined ? services.loginPace.reserve(addressKey(remoteAddress)) : 0;
      },
    );
    const connection = this;
    const session = new ClientSession(
      {
        push: (push) => {
          if (connection.#closed) return;
          services.metrics.pushesSent.inc();
          connection.send(push);
        },
        writable: () => connection.#writable(),
        get open() {
          return !connection.#closed && !stream.destroyed;
        },
        end: (code, message) => connection.close(code, message),
      },
      remoteAddress,
    );
    this.#context = { role, services, session, localAddress };
    stream.once('close', () => {
      this.#closed = true;
      clearTimeout(this.#frameDeadline);
      this.#loggedOff = logOut(services, session).catch((error: unknown) =>
        services.logger.error('logout on close failed', { error: String(error) }),
      );
    });
  }

  /** Resolves once the connection has closed and its logout (last seen, presence) is written. */
  loggedOff(): Promise<void> {
    return this.#loggedOff ?? new Promise((resolve) => this.stream.once('close', () => void this.#loggedOff!.then(resolve)));
  }

  get session(): ClientSession {
    return this.#context.session;
  }

  receive(chunk: Buffer): void {
    if (this.#closed) return;
    let frames = 0;
    try {
      this.#decoder.feed(chunk, (raw) => (frames++, this.#onMessage(raw)));
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.services.logger.info('closing connection after protocol error', { role: this.role, error: error.message });
      this.close(error.code, error.message);
      return;
    }
    this.#watchPartialFrame(frames > 0);
  }

  /**
   * A frame part-way in must be whole within frameTimeoutMs of when it started (roughly: of the chunk
   * that brought its first bytes): without a deadline a connection could park nearly a frame limit's
   * worth of our memory, a byte short, for ever.
   */
  #watchPartialFrame(framesEnded: boolean): void {
    if (this.#decoder.bufferedBytes === 0) {
      clearTimeout(this.#frameDeadline);
      this.#frameDeadline = undefined;
    } else if (this.#frameDeadline !== undefined) {
      // The bytes left started a new frame after one that ended: its time starts now.
      if (framesEnded) this.#frameDeadline.refresh();
    } else if (this.options.frameTimeoutMs > 0) {
      this.#frameDeadline = setTimeout(() => {
        this.services.logger.info('closing a connection whose frame did not arrive in time', {
          role: this.role,
          buffered: this.#decoder.bufferedBytes,
        });
        this.close('idle_timeout', `a frame did not arrive in full within ${this.options.frameTimeoutMs / 1000} s; connection closed`);
      }, this.options.frameTimeoutMs);
      this.#frameDeadline.unref();
    }
  }

  /** Sends one message, dropping the connection if the client has stopped reading. */
  send(message: ServerMessage): void {
    if (this.#closed) return;
    // Frames sent in the same turn (a batch's acks and pushes) leave in one write: a system call
    // per frame was most of the server's time under load (docs/benchmarks.md § dm-storm).
    if (!this.#corked) {
      this.#corked = true;
      this.stream.cork();
      process.nextTick(() => {
        this.#corked = false;
        this.stream.uncork();
      });
    }
    this.stream.write(encodeFrame(message));
    if (this.stream.writableLength > this.options.maxOutboundBytes) {
      this.services.logger.warn('dropping a client that does not read', { role: this.role, queued: this.stream.writableLength });
      this.services.metrics.slowConsumersDropped.inc();
      this.#closed = true;
      this.stream.destroy();
    }
  }

  /** Ends the connection with a final id-less error frame saying why. */
  close(code: ErrorCode, message: string): void {
    if (!this.#closed) this.services.metrics.errorSent(code);
    this.send({ t: 'error', code, message });
    this.#closed = true;
    this.#gate.close();
    hangUp(this.stream);
  }

  #writable(): Promise<void> {
    if (this.stream.writableLength < CATCH_UP_HIGH_WATER || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
    });
  }

  #onMessage(raw: RawMessage): void {
    if (this.#closed) return;
    let request: Request;
    try {
      request = validateRequest(raw);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.#replyError(requestIdOf(raw), error.code, error.message);
      return;
    }
    this.#gate.offer(request);
  }

  #start(request: Request): void {
    const id = request.id;
    let holdMs = 0;
    dispatch(request, this.#context)
      .then(
        (reply) => {
          this.send(reply);
          if (request.t === 'logout') this.options.loggedOut?.();
        },
        (error: unknown) => {
          if (error instanceof RequestError) {
            this.#replyError(id, error.code, error.message, error.retryAfterMs);
            if (error.holdConnection) holdMs = error.retryAfterMs ?? 0;
          } else {
            this.services.logger.error('request failed', {
              type: request.t,
              error: error instanceof Error ? (error.stack ?? error.message) : String(error),
            });
            this.#replyError(id, 'internal', 'the server failed to handle this request; retry');
          }
        },
      )
      .finally(() => this.#gate.finished(holdMs));
  }

  #replyError(id: number | undefined, code: ErrorCode, message: string, retryAfterMs?: number): void {
    if (this.#closed) return;
    this.services.metrics.errorSent(code);
    this.send({ t: 'error', ...(id === undefined ? {} : { id }), code, message, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
}
