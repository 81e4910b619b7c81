import type { Duplex } from 'node:stream';
import { FrameDecoder, PRE_LOGIN_FRAME_LIMITS, ProtocolError, isErrorCode, type RawMessage } from '../../src/protocol/index.js';

/** Error codes that end a framed connection (protocol.md § Errors). */
const FATAL_CODES = new Set(['bad_frame', 'frame_too_large']);

/** The requests that log a session in (ok) or out. */
const LOGINS = new Set(['login', 'signup', 'resume']);

/**
 * The fuzzer's framed client. It keeps an expectation ledger from what it wrote: every byte written
 * also goes through a reference FrameDecoder, so the peer knows exactly which requests the server
 * saw (mutations may merge, split or swallow frames) and whether the stream broke framing. The frame
 * codec itself is property-tested in test/protocol; here it only tells the session what to expect.
 */
export class FramedPeer {
  readonly violations: string[] = [];
  readonly closed: Promise<void>;
  /** Request id → replies still owed (a mutation may reuse an id, so this is a count). */
  readonly #owed = new Map<number, number>();
  /** Requests whose id was unusable: each is owed one id-less `error`. */
  #owedAnonymous = 0;
  /** The written stream broke framing: the server owes a final id-less error, then a close. */
  #fatal: string | undefined;
  #finalError: RawMessage | undefined;
  readonly #reference = new FrameDecoder({ maxFrameBytes: 1024 * 1024 });
  readonly #incoming = new FrameDecoder({ maxFrameBytes: 16 * 1024 * 1024 - 1 });
  #isClosed = false;
  /** Ids of the login, signup and resume requests written. */
  readonly #loginIds = new Set<number>();
  /**
   * One of them was answered `ok` and no `logout` was written since: the server holds this session to
   * the logged-in frame limits for sure. Until then it may hold it to the tighter pre-login ones
   * (protocol.md § Limits) — whether a frame written right behind a login is read before or after the
   * login succeeds is the server's timing, so a refusal by a pre-login limit is allowed then.
   */
  #surelyLoggedIn = false;
  /** The first byte was not 0x00, so the server sniffed another codec (or refused): no frames are owed. */
  #notFramed: boolean | undefined;
  #wake: () => void = () => {};

  constructor(readonly stream: Duplex) {
    stream.on('data', (chunk: Buffer) => this.#receive(chunk));
    stream.on('error', () => {
      // A reset after the server ends a broken connection; 'close' follows and is what we check.
    });
    stream.once('end', () => stream.end());
    this.closed = new Promise((resolve) =>
      stream.once('close', () => {
        this.#isClosed = true;
        this.#wake();
        resolve();
      }),
    );
  }

  /** Writes one action's bytes (already cut into chunks), recording what the server will decode. */
  write(chunks: readonly Buffer[]): void {
    for (const chunk of chunks) {
      if (chunk.length === 0 || this.stream.destroyed || this.stream.writableEnded) continue;
      this.#notFramed ??= chunk[0] !== 0x00;
      this.#expect(chunk);
      this.stream.write(chunk);
    }
  }

  get owesNothing(): boolean {
    if (this.#fatal !== undefined || this.#notFramed) return this.#isClosed;
    return this.#owedAnonymous === 0 && [...this.#owed.values()].every((n) => n === 0);
  }

  /** Waits until every owed reply arrived (or the connection closed), for at most `timeoutMs`. */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.owesNothing && !this.#isClosed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(50, Math.max(1, deadline - Date.now())));
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** After settle(): records what the server still owes. */
  finish(): void {
    if (this.#notFramed) return; // only the close is checked, by the caller
    if (this.#fatal !== undefined) {
      if (!this.#isClosed) this.violations.push(`framing broke (${this.#fatal}) but the connection was not closed`);
      else if (!this.#finalError) this.violations.push(`framing broke (${this.#fatal}) but no final error frame came`);
      else if (this.#finalError.code !== this.#fatal && !this.#preLoginRefusal(this.#finalError)) {
        this.violations.push(`final error ${String(this.#finalError.code)}, expected ${this.#fatal}`);
      }
      return;
    }
    const missing = [...this.#owed].filter(([, n]) => n > 0).map(([id]) => id);
    if (missing.length)
      this.violations.push(`no reply to request ids ${missing.slice(0, 10).join(', ')}${this.#isClosed ? ' (connection closed)' : ''}`);
    if (this.#owedAnonymous > 0) this.violations.push(`${this.#owedAnonymous} id-less error replies missing`);
  }

  #expect(chunk: Buffer): void {
    if (this.#fatal !== undefined || this.#notFramed) return;
    try {
      this.#reference.feed(chunk, (raw) => {
        const id = raw.id;
        if (LOGINS.has(raw.t) && typeof id === 'number') this.#loginIds.add(id);
        if (raw.t === 'logout') this.#surelyLoggedIn = false;
        if (typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= 0xffff_ffff)
          this.#owed.set(id, (this.#owed.get(id) ?? 0) + 1);
        else this.#owedAnonymous++;
      });
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.#fatal = error.code;
    }
  }

  /** A fatal error by a pre-login limit (protocol.md § Limits), while the session may not be logged in. */
  #preLoginRefusal(m: RawMessage): boolean {
    if (this.#surelyLoggedIn) return false;
    const message = String(m.message);
    return (
      (m.code === 'frame_too_large' && message.includes(`limit of ${PRE_LOGIN_FRAME_LIMITS.maxFrameBytes} bytes`)) ||
      (m.code === 'bad_frame' && message.includes('refused before decoding'))
    );
  }

  #receive(chunk: Buffer): void {
    if (this.#notFramed) return;
    try {
      this.#incoming.feed(chunk, (m) => this.#reply(m));
    } catch (error) {
      this.violations.push(`server wrote bytes that are not frames: ${String(error)}`);
    }
    this.#wake();
  }

  #reply(m: RawMessage): void {
    if (this.#finalError) this.violations.push(`frame after the final error: ${m.t}`);
    if (m.t !== 'ok' && m.t !== 'error') return; // a push: no id, owed to nobody
    if (m.t === 'error') {
      if (!isErrorCode(m.code)) this.violations.push(`error with unknown code ${String(m.code)}`);
      if (typeof m.message !== 'string') this.violations.push('error without a message');
      if (m.code === 'internal') this.violations.push(`internal error: ${String(m.message)}`);
    }
    if (m.t === 'ok' && typeof m.id === 'number' && this.#loginIds.has(m.id)) this.#surelyLoggedIn = true;
    if (m.id === undefined) {
      if (m.t === 'error' && FATAL_CODES.has(String(m.code))) {
        this.#finalError = m;
        if (this.#fatal === undefined && this.#preLoginRefusal(m)) this.#fatal = String(m.code);
        else if (this.#fatal === undefined) this.violations.push(`unexpected fatal error ${String(m.code)}: ${String(m.message)}`);
      } else if (m.t === 'error' && this.#owedAnonymous > 0) this.#owedAnonymous--;
      else this.violations.push(`unowed id-less ${m.t} (${String(m.code)})`);
      return;
    }
    const owed = typeof m.id === 'number' ? (this.#owed.get(m.id) ?? 0) : 0;
    if (owed === 0) this.violations.push(`unowed or duplicate reply to id ${JSON.stringify(m.id) ?? 'none'} (${m.t})`);
    else this.#owed.set(m.id as number, owed - 1);
  }
}
