import { randomBytes, X509Certificate } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { makeCertificate } from '../crypto/index.js';
import type { ListenTls } from '../server/ports/listen.js';

/** The server's TLS (made for itself, or `--tls-cert`/`--tls-key`) as the listener takes it, and what to log. */
export interface ServerTls extends ListenTls {
  /** SHA-256 of the certificate, the value clients pin: logged at start so the operator can publish it. */
  readonly fingerprint: string;
}

/** The `.check` of the flags: both files or neither, and --plaintext with no TLS flag beside it. */
export function serverTlsProblem(
  cert: string | undefined,
  key: string | undefined,
  allowPlaintext: boolean,
  plaintext: boolean,
): string | undefined {
  if ((cert === undefined) !== (key === undefined)) return '--tls-cert and --tls-key go together';
  if (plaintext && cert !== undefined) return '--plaintext turns TLS off: it does not go with --tls-cert';
  if (plaintext && allowPlaintext)
    return '--plaintext already serves every client without TLS; --allow-plaintext is for a server that also serves TLS';
  return undefined;
}

/** Where a server keeps the certificate it made for itself: certificate and key in one file, mode 0600. */
export const SELF_SIGNED_FILE = join('tls', 'self-signed.pem');

/** Ten years: a pinned self-signed certificate that is renewed looks exactly like an attack to its clients. */
const SELF_SIGNED_DAYS = 3650;

/**
 * The certificate this server made for itself in `dataDir` on its first start (TLS is on unless
 * `--plaintext` or `--tls-cert`), made now if there is none. Made once: the file is written under a temporary name
 * and linked into place, so servers starting together on one folder (`--workers`) all use the first.
 * Valid for localhost, the loopback addresses, this machine's host name and `names`.
 */
export async function selfSignedServerTls(
  dataDir: string,
  names: readonly string[],
  allowPlaintext: boolean,
): Promise<ServerTls & { readonly created: boolean }> {
  const file = join(dataDir, SELF_SIGNED_FILE);
  let created = false;
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new Error(`cannot read the server's TLS certificate ${file}: ${error.message}`, { cause: error });
  });
  let pem = existing;
  if (pem === undefined) {
    const wanted = [
      ...new Set(['localhost', '127.0.0.1', '::1', hostname(), ...names.filter((n) => n !== '' && n !== '0.0.0.0' && n !== '::')]),
    ];
    const made = makeCertificate({ names: wanted, validDays: SELF_SIGNED_DAYS, commonName: hostname() });
    await mkdir(join(dataDir, 'tls'), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${randomBytes(6).toString('hex')}`;
    await writeFile(temporary, made.certPem + made.keyPem, { mode: 0o600, flag: 'wx' });
    try {
      await link(temporary, file);
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await rm(temporary, { force: true });
    }
    pem = await readFile(file, 'utf8');
  }
  const cert = pem.slice(0, pem.indexOf('-----END CERTIFICATE-----') + '-----END CERTIFICATE-----'.length) + '\n';
  const key = pem.slice(pem.indexOf('-----BEGIN PRIVATE KEY-----'));
  let fingerprint: string;
  try {
    fingerprint = new X509Certificate(cert).fingerprint256;
  } catch (error) {
    throw new Error(
      `the server's TLS certificate ${file} holds no PEM certificate; remove it to make a new one (its clients will refuse the new one until told)`,
      { cause: error },
    );
  }
  return { cert, key, allowPlaintext, fingerprint, created };
}

/** Reads the PEM files; an unreadable or malformed one fails start-up with the flag named. */
export async function readServerTls(certFile: string, keyFile: string, allowPlaintext: boolean): Promise<ServerTls> {
  const read = (flag: string, file: string) =>
    readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new Error(`--${flag} ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`, { cause: error });
    });
  const [cert, key] = [await read('tls-cert', certFile), await read('tls-key', keyFile)];
  let fingerprint: string;
  try {
    fingerprint = new X509Certificate(cert).fingerprint256;
  } catch (error) {
    throw new Error(`--tls-cert ${certFile}: not a PEM certificate`, { cause: error });
  }
  return { cert, key, allowPlaintext, fingerprint };
}

/**
 * What to say once at start when the 2022 legacy clients are served beyond this machine: their protocol
 * has no encryption and never will, whatever TLS the modern clients get. Undefined when legacy is off
 * or the server listens on loopback only.
 */
export function legacyPlaintextWarning(host: string, legacy: boolean): string | undefined {
  if (!legacy || isLoopback(host)) return undefined;
  return 'the 2022 legacy clients are served in plain TCP beyond this machine (their protocol has no TLS): anyone on the network path sees their logins and traffic; --no-legacy turns them off';
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
