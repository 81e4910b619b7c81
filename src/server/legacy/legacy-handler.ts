import type { LegacyObject } from '../../protocol/index.js';
import type { ClientSession } from '../session/client-session.js';
import type { PortRole } from '../handlers/handler.js';
import type { ServerServices } from '../services.js';
import type { LegacyInbox } from './legacy-inbox.js';

/** What a legacy handler may do with its connection. */
export interface LegacyContext {
  readonly role: PortRole;
  readonly services: ServerServices;
  readonly session: ClientSession;
  readonly inbox: LegacyInbox;
  /** Writes one JSON object (queued while a bare reply must stay alone). */
  readonly sendJson: (object: LegacyObject) => void;
  /**
   * Writes a bare ASCII reply (`1`, `0`, a port number), ahead of anything held back for a handler that
   * `repliesAlone`. With `alone`, nothing else is written until the client sends its next object: the
   * original reads this reply with one recv (legacy-protocol.md).
   */
  readonly sendBare: (text: string, options?: { alone?: boolean }) => void;
  /** Ends the connection after what is written. */
  readonly end: () => void;
}

/** One handler per `info-type` (docs/legacy.md § Requests); legacy-handlers.ts is the table. */
export interface LegacyHandler {
  /** Ports that serve it; elsewhere the connection is closed. */
  readonly roles: readonly PortRole[];
  /** @default 'user' */
  readonly access?: 'anyone' | 'user';
  /**
   * Its answer is a bare reply the client reads with one recv (`login`, `signup`): from the moment the
   * object is taken up until the client's next one, nothing else is written to the connection but
   * that reply. Other users' `new_user` / `old_user` announced meanwhile wait (the session is logged in
   * before its reply is written, and an announcement landing first broke the original client's login).
   */
  readonly repliesAlone?: boolean;
  handle(object: LegacyObject, context: LegacyContext): void | Promise<void>;
}
