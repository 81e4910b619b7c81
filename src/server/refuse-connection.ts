import type { Duplex } from 'node:stream';
import { encodeFrame, type ErrorCode } from '../protocol/index.js';

/** How long a refused connection may linger (to read its last words) before it is cut. */
export const REFUSE_GRACE_MS = 1000;

/**
 * Ends a connection with a reason in its own codec: a `framed` peer (protocol.md § Sniffing) reads one
 * id-less `error` frame; any other (a 2022 legacy client, which has no error form) is just closed.
 * Cut after REFUSE_GRACE_MS either way, so a peer that never reads or closes cannot hold the socket.
 * `counted` is told of each error frame written (the metrics' `fastchat_errors_sent_total`).
 */
export function refuseConnection(stream: Duplex, framed: boolean, code: ErrorCode, message: string, counted?: (code: ErrorCode) => void): void {
  if (framed) {
    stream.end(encodeFrame({ t: 'error', code, message }));
    counted?.(code);
  } else {
    stream.end();
  }
  setTimeout(() => stream.destroy(), REFUSE_GRACE_MS).unref();
}
