import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { LegacyJsonDecoder, type LegacyObject } from '../../src/protocol/index.js';
import type { ServerAddress } from '../../src/client/connect.js';

/**
 * A 2022-protocol client for load (legacy-protocol.md), light where the test stand-in
 * (test/support/legacy-client.ts) is faithful: it asks the coordinator for a port with
 * `add-connection`, signs up with one shared `PublicKey(n, e)` (the server stores and forwards keys, it
 * never uses them), and sends "ciphertexts" of 128 decimal byte values, as a 1024-bit key gives, that
 * carry a message number in their first four (no RSA: the generator must not be the limit). Replies
 * are split with the server's own legacy decoder, so a read holding several objects, or part of one,
 * is handled.
 */
export class LegacyLoadClient {
  // The server's Notifications list every user with a key: past 64 KiB at a few hundred users (the
  // original client, reading one recv of 40,000 bytes, could not hold such a list at all).
  readonly #decoder = new LegacyJsonDecoder({ maxObjectBytes: 16 * 1024 * 1024 });
  #bare: ((text: string) => void) | undefined;
  #listeners: Array<(object: LegacyObject) => void> = [];
  #closed = false;
  id = '';

  private constructor(
    private readonly socket: Socket,
    readonly name: string,
  ) {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.on('close', () => (this.#closed = true));
    socket.on('data', (chunk: Buffer) => {
      // A bare reply (`1`, `0`) comes alone, before anything else is sent to this client.
      if (this.#bare) {
        const wake = this.#bare;
        this.#bare = undefined;
        return wake(chunk.toString('latin1'));
      }
      this.#decoder.feed(chunk, (object) => this.#listeners.forEach((listener) => listener(object)));
    });
  }

  /** Asks the coordinator for a port (a bare decimal reply) and connects there, as the original did. */
  static async connect(coordinator: ServerAddress, name: string): Promise<LegacyLoadClient> {
    const ask = await open(coordinator.host, coordinator.port);
    const port = await new Promise<string>((resolve, reject) => {
      ask.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1')));
      ask.once('error', reject);
      ask.write(JSON.stringify({ 'info-type': 'add-connection' }));
    });
    ask.destroy();
    if (!/^\d+$/.test(port)) throw new Error(`coordinator answered ${JSON.stringify(port.slice(0, 40))}, not a port`);
    return new LegacyLoadClient(await open(coordinator.host, Number(port)), name);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** `signup` (or `login`), then `start_notifications`; resolves with the Notifications object. */
  async enter(how: 'signup' | 'login', publicKey: string, password = 'bench password'): Promise<LegacyObject> {
    const secret = createHash('sha256')
      .update(this.name.toUpperCase() + password)
      .digest('hex');
    const reply = new Promise<string>((resolve) => (this.#bare = resolve));
    this.write({ 'info-type': how, name: this.name, password: secret, ...(how === 'signup' ? { public_key: publicKey } : {}) });
    const answer = await reply;
    if (answer !== '1') throw new Error(`${how} of ${this.name} answered ${JSON.stringify(answer.slice(0, 40))}`);
    const notifications = this.next((o) => o['info-type'] === 'Notifications');
    this.write({ 'info-type': 'start_notifications', name: this.name.toUpperCase() });
    const got = await notifications;
    const me = (got.list as unknown[][]).find((row) => row[0] === this.name.toUpperCase());
    if (!me) throw new Error(`${this.name} is not in its own Notifications list`);
    this.id = String(me[1]);
    return got;
  }

  /** Calls `listener` with every object received from now on. */
  onObject(listener: (object: LegacyObject) => void): void {
    this.#listeners.push(listener);
  }

  /** The next object matching `match`. */
  next(match: (object: LegacyObject) => boolean): Promise<LegacyObject> {
    return new Promise((resolve) => {
      const listener = (object: LegacyObject) => {
        if (!match(object)) return;
        this.#listeners = this.#listeners.filter((l) => l !== listener);
        resolve(object);
      };
      this.#listeners.push(listener);
    });
  }

  /** A `send-message` to `receiver` whose text carries `number` (messageNumber reads it back). */
  sendMessage(receiver: string, number: number): void {
    this.write({ 'info-type': 'send-message', text: ciphertextCarrying(number), receiver });
  }

  write(object: LegacyObject): void {
    this.socket.write(JSON.stringify(object));
  }

  close(): void {
    this.socket.destroy();
  }
}

/** 128 decimal byte values, the first four the big-endian `number`, the rest fixed filler. */
export function ciphertextCarrying(number: number): string {
  const bytes = [(number >>> 24) & 255, (number >>> 16) & 255, (number >>> 8) & 255, number & 255];
  for (let i = 4; i < 128; i++) bytes.push((i * 37 + 11) % 256);
  return bytes.join(' ');
}

/** The number ciphertextCarrying put in `text`. */
export function messageNumber(text: string): number {
  const [a, b, c, d] = text.split(' ', 4).map(Number);
  return ((a! << 24) | (b! << 16) | (c! << 8) | d!) >>> 0;
}

function open(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('connect', () => (socket.off('error', reject), resolve(socket)));
    socket.once('error', reject);
  });
}
