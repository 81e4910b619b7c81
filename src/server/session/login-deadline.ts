/**
 * One connection's deadline to log in (protocol.md § Limits): when it passes and the connection still
 * has no user, `expire` runs. Logged-in connections are chat clients and may idle for ever; a `logout`
 * re-arms the deadline. On the coordinator nobody logs in, so the deadline bounds the whole connection.
 */
export class LoginDeadline {
  #timer: NodeJS.Timeout | undefined;

  /** @param ms the deadline; 0 means none. */
  constructor(
    private readonly ms: number,
    private readonly loggedIn: () => boolean,
    private readonly expire: () => void,
  ) {}

  /** Starts (or restarts) the clock. */
  arm(): void {
    this.clear();
    if (this.ms <= 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.loggedIn()) this.expire();
    }, this.ms);
    // A pending deadline must not keep a stopping process alive.
    this.#timer.unref();
  }

  clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
