import { EventEmitter } from 'node:events';

/** An EventEmitter whose event names and listener arguments are checked against `Events`. */
export class TypedEmitter<Events extends { [K in keyof Events]: (...args: never[]) => void }> {
  readonly #emitter = new EventEmitter();

  constructor() {
    // Many panes may listen to one client; the default cap of 10 is a leak detector, not a limit.
    this.#emitter.setMaxListeners(100);
  }

  on<K extends keyof Events & string>(event: K, listener: Events[K]): () => void {
    const untyped = listener as unknown as (...args: unknown[]) => void;
    this.#emitter.on(event, untyped);
    return () => this.#emitter.off(event, untyped);
  }

  protected emit<K extends keyof Events & string>(event: K, ...args: Parameters<Events[K]>): void {
    this.#emitter.emit(event, ...args);
  }
}
