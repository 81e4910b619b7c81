/**
 * Live connection counts per node port, for the coordinator (the original's getPort). Counts are
 * exact: a connection is added when accepted and removed when it closes, whatever the reason.
 */
export class PortLoad {
  readonly #counts = new Map<number, number>();
  #rotation = 0;

  /** Registers the ports to balance over, each starting at zero connections. */
  constructor(ports: Iterable<number> = []) {
    for (const port of ports) this.#counts.set(port, 0);
  }

  addPort(port: number): void {
    if (!this.#counts.has(port)) this.#counts.set(port, 0);
  }

  opened(port: number): void {
    this.#counts.set(port, (this.#counts.get(port) ?? 0) + 1);
  }

  closed(port: number): void {
    const count = this.#counts.get(port) ?? 0;
    if (count <= 0) throw new RangeError(`port ${port} has no open connection to close`);
    this.#counts.set(port, count - 1);
  }

  /** Connections now open on `port`. */
  count(port: number): number {
    return this.#counts.get(port) ?? 0;
  }

  /** Every port and its connection count, in registration order. */
  snapshot(): Array<{ port: number; connections: number }> {
    return [...this.#counts].map(([port, connections]) => ({ port, connections }));
  }

  /**
   * The port with the fewest connections, or undefined when there is none. Ties rotate, so a burst
   * of clients routed before any of them connects is spread over the tied ports rather than sent to one.
   */
  leastLoaded(): number | undefined {
    const ports = [...this.#counts.keys()];
    if (ports.length === 0) return undefined;
    let best: number | undefined;
    let bestCount = Infinity;
    for (let i = 0; i < ports.length; i++) {
      const port = ports[(this.#rotation + i) % ports.length]!;
      const count = this.#counts.get(port)!;
      if (count < bestCount) {
        best = port;
        bestCount = count;
      }
    }
    this.#rotation = (this.#rotation + 1) % ports.length;
    return best;
  }
}
