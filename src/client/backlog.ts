/**
 * How far the client still is from where each conversation stood at the last sync: the rows of the
 * backlog still to come, and a way to wait until they are all in.
 */
export class Backlog {
  readonly #targets = new Map<number, number>();
  #waiters: Array<() => void> = [];

  constructor(private readonly cursor: (conversation: number) => number) {}

  /** The last seq of a conversation as the sync reported it. */
  target(conversation: number, lastSeq: number): void {
    this.#targets.set(conversation, lastSeq);
  }

  /** The rows the backlog had when the last sync was taken in: `remaining` counts down from it. */
  get total(): number {
    return this.#total;
  }

  /** Call once the sync's targets are set: what remains now is the whole backlog. */
  begin(): void {
    this.#total = this.remaining;
  }

  #total = 0;

  /** Rows still to come. */
  get remaining(): number {
    let left = 0;
    for (const [conversation, last] of this.#targets) left += Math.max(0, last - this.cursor(conversation));
    return left;
  }

  /** Resolves once nothing remains. */
  caughtUp(): Promise<void> {
    if (this.remaining === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Wakes the waiters if the backlog is in; call after each processed row. */
  check(): void {
    if (this.#waiters.length > 0 && this.remaining === 0) this.#waiters.splice(0).forEach((wake) => wake());
  }
}
