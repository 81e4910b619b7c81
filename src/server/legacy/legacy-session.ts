import type { Duplex } from 'node:stream';
import {
  LegacyJsonDecoder,
  ProtocolError,
  encodeLegacyBare,
  encodeLegacyJson,
  type ErrorCode,
  type LegacyObject,
} from '../../protocol/index.js';
import { ClientSession } from '../session/client-session.js';
import { RequestError } from '../errors.js';
import type { PortRole } from '../handlers/handler.js';
import type { ServerServices } from '../services.js';
import { hangUp } from '../limits/refuse-connection.js';
import { logOut } from '../session/session-lifecycle.js';
import { LegacyInputError } from './fields.js';
import { LEGACY_HANDLERS } from './handlers/index.js';
import type { LegacyPeer } from './legacy-directory.js';
import type { LegacyContext } from './legacy-handler.js';
import { LegacyInbox } from './legacy-inbox.js';

export interface LegacySessionOptions {
  /** Bytes queued for a client that is not reading before it is dropped. */
  readonly maxOutboundBytes: number;
}

/**
 * One connection from a 2022 client (legacy-protocol.md, docs/legacy.md): a thin adapter onto the
 * services modern sessions use. Objects are handled one at a time, in order, by one handler per
 * `info-type` (handlers/index.ts); each gets its fields checked, and a bad object (or bad JSON, or
 * one past the codec's caps) closes this connection with a log line and nothing else noticing.
 *
 * The login / signup reply is written alone: from the moment the object is taken up until the
 * client's next one, anything else for it (an `old_user`, say) is queued, since the original reads
 * that reply with one recv and compares it to `1`.
 */
export class LegacySession implements LegacyPeer {
  readonly #decoder = new LegacyJsonDecoder();
  readonly #context: LegacyContext;
  readonly session: ClientSession;
  #closed = false;
  /** The logout run when the connection closed. */
  #loggedOff: Promise<void> | undefined;
  #chain: Promise<void> = Promise.resolve();
  /** Writes held back while a bare reply must stay alone; undefined when writing freely. */
  #held: Buffer[] | undefined;

  constructor(
    private readonly stream: Duplex,
    readonly role: PortRole,
    readonly services: ServerServices,
    remoteAddress: string | undefined,
    private readonly options: LegacySessionOptions,
  ) {
    const connection = this;
    this.session = new ClientSession(
      {
        // Feeds hand over committed rows as `msg`; other pushes (presence, typing…) have no legacy form.
        push: (push) => (push.t === 'msg' ? inbox.offer(push) : undefined),
        writable: () => Promise.resolve(),
        get open() {
          return !connection.#closed && !stream.destroyed;
        },
        // The 2022 protocol has no way to say why: the connection just ends.
        end: () => connection.#end(),
      },
      remoteAddress,
    );
    const inbox = new LegacyInbox(services, this.session, (object) => this.sendJson(object));
    this.#context = {
      role,
      services,
      session: this.session,
      inbox,
      sendJson: (object) => this.sendJson(object),
      sendBare: (text, options) => {
        this.#write(encodeLegacyBare(text), { ahead: true });
        if (options?.alone) this.#held ??= [];
      },
      end: () => this.#end(),
    };
    if (role === 'node') services.legacy.add(this);
    stream.once('close', () => {
      this.#closed = true;
      services.legacy.remove(this);
      this.#loggedOff = logOut(services, this.session).catch((error: unknown) =>
        services.logger.error('legacy logout on close failed', { error: String(error) }),
      );
    });
  }

  /** Resolves once the connection has closed and its logout (last seen, presence) is written. */
  loggedOff(): Promise<void> {
    return this.#loggedOff ?? new Promise((resolve) => this.stream.once('close', () => void this.#loggedOff!.then(resolve)));
  }

  receive(chunk: Buffer): void {
    if (this.#closed) return;
    try {
      this.#decoder.feed(chunk, (object) => {
        this.#chain = this.#chain.then(() => this.#onObject(object));
      });
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.services.logger.info('closing legacy connection after protocol error', { role: this.role, error: error.message });
      this.#end();
    }
  }

  sendJson(object: LegacyObject): void {
    this.#write(encodeLegacyJson(object));
  }

  /** Writes `bytes`, or holds them while a bare reply must stay alone; `ahead` writes past the hold. */
  #write(bytes: Buffer, options?: { ahead?: boolean }): void {
    if (this.#closed) return;
    if (this.#held && !options?.ahead) {
      this.#held.push(bytes);
      return;
    }
    this.stream.write(bytes);
    if (this.stream.writableLength > this.options.maxOutboundBytes) {
      this.services.logger.warn('dropping a legacy client that does not read', { role: this.role, queued: this.stream.writableLength });
      this.services.metrics.slowConsumersDropped.inc();
      this.#closed = true;
      this.stream.destroy();
    }
  }

  async #onObject(object: LegacyObject): Promise<void> {
    if (this.#closed) return;
    // The client spoke again, so it has read the bare reply: release what waited behind it.
    const held = this.#held;
    this.#held = undefined;
    held?.forEach((bytes) => this.#write(bytes));

    const type = object['info-type'];
    const handler = typeof type === 'string' && Object.hasOwn(LEGACY_HANDLERS, type) ? LEGACY_HANDLERS[type] : undefined;
    const name = typeof type === 'string' ? type.slice(0, 40) : typeof type;
    if (!handler || !handler.roles.includes(this.role)) {
      this.services.logger.warn('unsupported legacy request; closing', { role: this.role, infoType: name });
      return this.#end();
    }
    if ((handler.access ?? 'user') === 'user' && !this.session.user) {
      this.services.logger.info('legacy request before login; closing', { role: this.role, infoType: name });
      return this.#end();
    }
    if (handler.repliesAlone) this.#held ??= [];
    try {
      await handler.handle(object, this.#context);
    } catch (error) {
      if (error instanceof LegacyInputError) {
        this.services.logger.info('closing legacy connection after a bad object', { infoType: name, error: error.message });
      } else if (error instanceof RequestError) {
        this.services.logger.info('legacy request refused; closing', { infoType: name, code: error.code, error: error.message });
      } else {
        this.services.logger.error('legacy request failed', {
          infoType: name,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      }
      this.#end();
    }
  }

  /** Ends the connection for a server-side reason: the legacy protocol has no error form, so only the log says why. */
  close(code: ErrorCode, message: string): void {
    this.services.logger.info('closing legacy connection', { role: this.role, code, reason: message });
    this.#end();
  }

  #end(): void {
    if (this.#closed) return;
    this.#held?.splice(0).forEach((bytes) => this.stream.write(bytes));
    this.#closed = true;
    hangUp(this.stream);
  }
}
