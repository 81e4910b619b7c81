import type { Duplex } from 'node:stream';
import { encodeFrame, type ErrorCode } from '../../protocol/index.js';

/** How long a refused connection may linger (to read its last words) before it is cut. */
export const REFUSE_GRACE_MS = 1000;

/**
 * Ends a connection with a reason in its own codec: a `framed` peer (protocol.md § Sniffing) reads one
 * id-less `error` frame; any other (a 2022 legacy client, which has no error form) is just closed.
 * Cut after REFUSE_GRACE_MS either way, so a peer that never reads or closes cannot hold the socket.
 * `counted` is told of each error frame written (the metrics' `fastchat_errors_sent_total`).
 */
export function refuseConnection(
  stream: Duplex,
  framed: boolean,
  code: ErrorCode,
  message: string,
  counted?: (code: ErrorCode) => void,
): void {
  if (framed) {
    stream.write(encodeFrame({ t: 'error', code, message }));
    counted?.(code);
  }
  hangUp(stream);
}

/** What a hung-up peer may still send, read and dropped, before the server stops reading it. */
export const HANG_UP_READ_MAX_BYTES = 64 * 1024;

/**
 * Ends a connection the server has done with: its last words (already written) go out, and the socket
 * is cut after REFUSE_GRACE_MS unless the peer closed its side first. What the peer sends meanwhile is
 * read and dropped up to HANG_UP_READ_MAX_BYTES, then no longer read at all until the cut: a peer told
 * no that keeps writing would otherwise cost the server a read of everything it writes (the flood of
 * finding 5, issue 17, wrote a megabyte a frame after its refusal). Not cut at once either: a peer cut
 * at once dials again at once (390 connections a second, half a core, measured); held for the grace,
 * it gets one a second.
 */
export function hangUp(stream: Duplex): void {
  stream.end();
  let dropped = 0;
  const drop = (chunk: Buffer): void => {
    dropped += chunk.length;
    if (dropped > HANG_UP_READ_MAX_BYTES) {
      stream.off('data', drop);
      stream.pause();
    }
  };
  stream.on('data', drop);
  setTimeout(() => stream.destroy(), REFUSE_GRACE_MS).unref();
}
