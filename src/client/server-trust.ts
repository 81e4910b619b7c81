import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TlsVerifyError } from '../transport/errors.js';
import { connectTls, type PeerCert } from '../transport/tls-transport.js';

/** The file in the client's home that pins each server's certificate. */
export const SERVERS_FILE = 'servers.json';

/** A pinned certificate. */
export interface ServerPin {
  /** SHA-256 of the DER certificate, as `AB:CD:…`. */
  readonly fingerprint: string;
  /** When it was pinned (ISO 8601). */
  readonly pinnedAt: string;
}

interface ServersFile {
  readonly version: 1;
  /** By host name or address as the client dials it (no port: see ServerTrust). */
  readonly servers: Record<string, ServerPin>;
}

/**
 * A server presented a certificate other than the one pinned for its host. Refused: this is what a
 * man in the middle looks like, and also what a renewed self-signed certificate looks like, which
 * only the operator can tell apart. The message names both fingerprints and the command to accept.
 */
export class ServerCertChangedError extends TlsVerifyError {
  override readonly code = 'server_cert_changed';
  constructor(
    readonly host: string,
    address: string,
    readonly pinned: string,
    readonly presented: string,
  ) {
    super(
      address,
      `the certificate CHANGED since you first connected.\n` +
        `  pinned:    ${pinned}\n  presented: ${presented}\n` +
        `This may be an attack. If the server's operator confirms the new fingerprint, accept it with:\n` +
        `  fastchat servers trust ${address} --fingerprint ${presented}`,
    );
  }
}

/**
 * Trust on first use for servers without a CA (docs/security.md § network): the first certificate a
 * host shows is pinned in `<home>/servers.json`, and later connections must show the same one. Pins
 * are per host, not per port, because one server serves the coordinator and every node port with one
 * certificate, and a certificate names hosts; a deployment on several machines pins each machine.
 */
export class ServerTrust {
  readonly file: string;
  /** The pins this object made on first use, oldest first: what the user should be told about. */
  readonly firstPins: { readonly host: string; readonly fingerprint: string }[] = [];

  /** `onFirstPin` hears of each certificate pinned on first use, so the user can compare it. */
  constructor(
    readonly home: string,
    private readonly onFirstPin?: (host: string, fingerprint: string) => void,
  ) {
    this.file = join(home, SERVERS_FILE);
  }

  /** Every pin, by host. */
  async list(): Promise<Record<string, ServerPin>> {
    return (await this.#read()).servers;
  }

  async pinned(host: string): Promise<ServerPin | undefined> {
    return (await this.list())[pinKey(host)];
  }

  /**
   * Accepts `peer` for `host` when it matches the pin, pins it when the host has none yet, and throws
   * ServerCertChangedError otherwise (nothing has been sent to that server yet).
   */
  async check(host: string, address: string, peer: PeerCert): Promise<void> {
    const pin = await this.pinned(host);
    if (pin === undefined) {
      await this.pin(host, peer.fingerprint);
      this.firstPins.push({ host, fingerprint: peer.fingerprint });
      this.onFirstPin?.(host, peer.fingerprint);
      return;
    }
    if (pin.fingerprint !== peer.fingerprint) throw new ServerCertChangedError(host, address, pin.fingerprint, peer.fingerprint);
  }

  /** Pins `fingerprint` for `host`, replacing any earlier pin. */
  async pin(host: string, fingerprint: string): Promise<void> {
    const file = await this.#read();
    await this.#write({ ...file, servers: { ...file.servers, [pinKey(host)]: { fingerprint, pinnedAt: new Date().toISOString() } } });
  }

  /** Removes the pin of `host`; true when there was one. */
  async forget(host: string): Promise<boolean> {
    const file = await this.#read();
    const { [pinKey(host)]: gone, ...rest } = file.servers;
    if (gone === undefined) return false;
    await this.#write({ ...file, servers: rest });
    return true;
  }

  async #read(): Promise<ServersFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, servers: {} };
      throw error;
    }
    const parsed = JSON.parse(text) as Partial<ServersFile>;
    // A damaged file must not silently become "no pins", which would re-pin whatever answers next.
    if (parsed.version !== 1 || typeof parsed.servers !== 'object' || parsed.servers === null) {
      throw new Error(`${this.file} is not a fastchat servers file; fix or remove it`);
    }
    return { version: 1, servers: parsed.servers };
  }

  async #write(file: ServersFile): Promise<void> {
    await mkdir(this.home, { recursive: true, mode: 0o700 });
    // Written aside and renamed, so a crash never leaves a half-written file of pins.
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, this.file);
  }
}

/** Host names are case-insensitive; an IPv6 address keeps its form. */
function pinKey(host: string): string {
  return host.toLowerCase();
}

/** What a user is told when a server's certificate is pinned on first use. */
export function firstPinNotice(host: string, fingerprint: string): string {
  return `first connection to ${host}: trusted its certificate ${fingerprint} from now on; compare it with the fingerprint the server's operator published (fastchat servers list)`;
}

/** A certificate fingerprint as users type it: SHA-256 of the DER certificate, 32 hex pairs joined by ":". */
const CERT_FINGERPRINT = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/;

/** A pin was not made: the fingerprint asked for is malformed, or not what the server presents. */
export class PinRefusedError extends Error {
  override readonly name = 'PinRefusedError';
  readonly code = 'pin_refused';
}

/** What pinning did: the fingerprint now pinned for `host`, and the one it replaced (when another). */
export interface PinResult {
  readonly host: string;
  readonly presented: string;
  readonly replaced: string | undefined;
}

/**
 * Pins the certificate `address` presents now for its host, replacing the host's pin (`fastchat
 * servers trust`). With `expected` (as printed when a changed certificate was refused; any case), pins
 * only if the server presents exactly that one. Only the TLS handshake happens: nothing is sent.
 */
export async function pinPresentedCertificate(
  home: string,
  address: { readonly host: string; readonly port: number },
  expected?: string,
): Promise<PinResult> {
  const wanted = expected?.toUpperCase();
  if (wanted !== undefined && !CERT_FINGERPRINT.test(wanted)) {
    throw new PinRefusedError(`${expected} is not a certificate fingerprint: expected 32 hex pairs separated by ":"`);
  }
  let presented = '';
  const transport = await connectTls({ ...address, verify: (peer) => void (presented = peer.fingerprint) });
  transport.close();
  if (wanted !== undefined && presented !== wanted) {
    throw new PinRefusedError(`${address.host}:${address.port} presents ${presented}, not ${wanted}; nothing pinned`);
  }
  const trust = new ServerTrust(home);
  const before = await trust.pinned(address.host);
  await trust.pin(address.host, presented);
  return { host: address.host, presented, replaced: before && before.fingerprint !== presented ? before.fingerprint : undefined };
}
