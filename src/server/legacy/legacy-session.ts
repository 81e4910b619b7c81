import type { Duplex } from 'node:stream';
import { LegacyJsonDecoder, ProtocolError, encodeLegacyBare, encodeLegacyJson, type LegacyObject } from '../../protocol/index.js';
import type { PortRole } from '../handler.js';
import type { ServerServices } from '../services.js';

/**
 * One connection from a 2022 client (legacy-protocol.md). On the coordinator it answers
 * `add-connection` with the least-loaded port as bare text, as the original "superport" did. On a
 * node port it recognises `kill_thread`; the rest of the legacy protocol arrives with the legacy
 * adapter (issue 7), and until then such a connection is told nothing and closed, with a log line.
 */
export class LegacySession {
  readonly #decoder = new LegacyJsonDecoder();
  #closed = false;

  constructor(
    private readonly stream: Duplex,
    readonly role: PortRole,
    readonly services: ServerServices,
  ) {}

  receive(chunk: Buffer): void {
    if (this.#closed) return;
    try {
      this.#decoder.feed(chunk, (object) => this.#onObject(object));
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.services.logger.info('closing legacy connection after protocol error', { role: this.role, error: error.message });
      this.#end();
    }
  }

  #onObject(object: LegacyObject): void {
    if (this.#closed) return;
    const type = object['info-type'];
    if (this.role === 'coordinator' && type === 'add-connection') {
      const port = this.services.load.leastLoaded();
      if (port !== undefined) this.stream.write(encodeLegacyBare(String(port)));
      return this.#end();
    }
    if (this.role === 'node' && type === 'kill_thread') {
      this.stream.write(encodeLegacyJson({ 'info-type': 'kill' }));
      return this.#end();
    }
    this.services.logger.warn('unsupported legacy request; closing', {
      role: this.role,
      infoType: typeof type === 'string' ? type.slice(0, 40) : typeof type,
    });
    this.#end();
  }

  #end(): void {
    this.#closed = true;
    this.stream.end();
  }
}
