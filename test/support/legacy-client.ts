import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type { pki } from 'node-forge';
import { forge } from '../../src/crypto/forge.js';
import { WAIT_MS } from './wait.js';

/** A decoded legacy object, as the original client's json.loads returned it. */
export type LegacyReply = Record<string, unknown>;

/**
 * A faithful stand-in for the 2022 Python client, written from legacy-protocol.md (the original is not
 * available): raw TCP to the coordinator at `add-connection`, then to the port it names; JSON objects
 * written back to back; every reply read with ONE socket read (one 'data' event, as its single recv);
 * passwords sent as hex SHA-256 of NAME_UPPER + password; an RSA-1024 key made with node-forge and
 * sent as `PublicKey(n, e)`; messages encrypted with PKCS#1 v1.5 and written as decimal bytes.
 *
 * After `start_notifications` it reads like the original's listener thread: each read is split into
 * objects (with a correct splitter, so a test never fails on the original's json_splitter bugs).
 */
export class LegacyTestClient {
  /** The name upper-cased, as the client hashes it and sends it in start_notifications. */
  readonly name: string;
  /** The name as the person typed it: what signup and login send. */
  readonly typedName: string;
  readonly keys: pki.rsa.KeyPair;
  /** Everything received after start_notifications, in order. */
  readonly objects: LegacyReply[] = [];
  /** Raw reads not yet consumed by recv(). */
  readonly #reads: Buffer[] = [];
  #readWaiters: Array<() => void> = [];
  #listening = false;
  #tail = '';
  #closed: Promise<void>;
  id: string | undefined;

  private constructor(
    private readonly socket: Socket,
    name: string,
    keys: pki.rsa.KeyPair,
  ) {
    this.name = name.toUpperCase();
    this.typedName = name;
    this.keys = keys;
    socket.on('data', (chunk: Buffer) => {
      if (this.#listening) this.#split(chunk.toString('latin1'));
      else this.#reads.push(chunk);
      this.#readWaiters.splice(0).forEach((wake) => wake());
    });
    this.#closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.#readWaiters.splice(0).forEach((wake) => wake());
        resolve();
      }),
    );
    socket.on('error', () => undefined);
  }

  /** Asks the coordinator for a port (bare decimal reply), then connects there, as the original did. */
  static async connect(coordinatorPort: number, name: string, keys: pki.rsa.KeyPair = makeKeys()): Promise<LegacyTestClient> {
    const coordinator = await open(coordinatorPort);
    coordinator.write(JSON.stringify({ 'info-type': 'add-connection' }));
    const reply = await new Promise<string>((resolve, reject) => {
      coordinator.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1')));
      coordinator.once('error', reject);
    });
    coordinator.destroy();
    if (!/^\d+$/.test(reply)) throw new Error(`coordinator answered ${JSON.stringify(reply)}, not a port`);
    return new LegacyTestClient(await open(Number(reply)), name, keys);
  }

  /** Connects straight to a port (for bad-input tests). */
  static async raw(port: number, name = 'raw'): Promise<LegacyTestClient> {
    return new LegacyTestClient(await open(port), name, makeKeys());
  }

  get publicKeyText(): string {
    return `PublicKey(${this.keys.publicKey.n.toString(10)}, ${this.keys.publicKey.e.toString(10)})`;
  }

  /** The password as the original sent it: hex SHA-256 of the upper-case name followed by the password. */
  hashed(password: string): string {
    return createHash('sha256')
      .update(this.name + password)
      .digest('hex');
  }

  write(object: unknown): void {
    this.socket.write(typeof object === 'string' ? object : JSON.stringify(object));
  }

  /** One socket read, as the original's single recv; '' when the connection closed. */
  async recv(timeoutMs = WAIT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.#reads.length === 0) {
      if (this.socket.destroyed || this.socket.readableEnded) return '';
      if (Date.now() > deadline) throw new Error(`${this.name}: no read within ${timeoutMs} ms`);
      await this.#wait(deadline - Date.now());
    }
    return this.#reads.shift()!.toString('latin1');
  }

  /** Reads not consumed yet (what a single recv would have merged). */
  get unread(): string {
    return this.#reads.map((b) => b.toString('latin1')).join('');
  }

  async signup(password = 'pw'): Promise<string> {
    this.write({ 'info-type': 'signup', name: this.typedName, password: this.hashed(password), public_key: this.publicKeyText });
    return this.recv();
  }

  async login(password = 'pw'): Promise<string> {
    this.write({ 'info-type': 'login', name: this.typedName, password: this.hashed(password) });
    return this.recv();
  }

  /** Sends start_notifications and returns the Notifications object; the client listens from then on. */
  async startNotifications(): Promise<LegacyReply> {
    this.#listening = true;
    const already = this.#reads
      .splice(0)
      .map((b) => b.toString('latin1'))
      .join('');
    if (already) this.#split(already);
    this.write({ 'info-type': 'start_notifications', name: this.name });
    const notifications = await this.waitFor((o) => o['info-type'] === 'Notifications', 'Notifications');
    const list = notifications.list as unknown[][];
    this.id = list.find((row) => row[0] === this.name)?.[1] as string | undefined;
    return notifications;
  }

  /** Waits for an object matching `match` (received before or after the call). */
  async waitFor(match: (object: LegacyReply) => boolean, what: string, timeoutMs = WAIT_MS): Promise<LegacyReply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.objects.find(match);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`${this.name}: timed out waiting for ${what}; have ${JSON.stringify(this.objects).slice(0, 500)}`);
      await this.#wait(deadline - Date.now());
    }
  }

  /** The original's text encryption: PKCS#1 v1.5 under the recipient's PublicKey(n, e), bytes in decimal. */
  static encrypt(publicKeyText: string, message: string): string {
    const match = /^PublicKey\((\d+), (\d+)\)$/.exec(publicKeyText);
    if (!match) throw new Error(`not a PublicKey text: ${publicKeyText.slice(0, 40)}`);
    const key = forge.pki.setRsaPublicKey(new forge.jsbn.BigInteger(match[1]!, 10), new forge.jsbn.BigInteger(match[2]!, 10));
    return [...Buffer.from(key.encrypt(message, 'RSAES-PKCS1-V1_5'), 'binary')].join(' ');
  }

  decrypt(text: string): string {
    return this.keys.privateKey.decrypt(Buffer.from(text.split(' ').map(Number)).toString('binary'), 'RSAES-PKCS1-V1_5');
  }

  sendMessage(receiver: string, receiverKey: string, message: string): void {
    this.write({ 'info-type': 'send-message', text: LegacyTestClient.encrypt(receiverKey, message), receiver });
  }

  /** One group-message per member, each encrypted to that member's key, as the original client sent them. */
  sendGroupMessage(groupId: string, members: ReadonlyArray<{ id: string; key: string }>, message: string): void {
    for (const member of members) {
      this.write({
        'info-type': 'group-message',
        text: LegacyTestClient.encrypt(member.key, message),
        receiver: member.id,
        group_id: groupId,
      });
    }
  }

  get closed(): Promise<void> {
    return this.#closed;
  }

  get isClosed(): boolean {
    return this.socket.destroyed || this.socket.readableEnded;
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.#closed;
  }

  #split(text: string): void {
    // A correct splitter: tracks strings and escapes, keeps an unfinished tail.
    let buffer = this.#tail + text;
    let depth = 0;
    let inString = false;
    let escaped = false;
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const c = buffer[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') {
        if (depth++ === 0) start = i;
      } else if ((c === '}' || c === ']') && --depth === 0) {
        this.objects.push(JSON.parse(buffer.slice(start, i + 1)) as LegacyReply);
        buffer = buffer.slice(i + 1);
        i = -1;
      }
    }
    this.#tail = depth > 0 ? buffer.slice(start) : '';
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(1, ms));
      this.#readWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** An RSA-1024 key pair as the original client made (its `rsa` library, here node-forge). */
export function makeKeys(): pki.rsa.KeyPair {
  return forge.pki.rsa.generateKeyPair({ bits: 1024, e: 0x10001 });
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
