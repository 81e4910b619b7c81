import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ListenTls } from '../server/listen.js';

/** `--tls-cert`, `--tls-key`, `--allow-plaintext` as the listener takes them, and what to log. */
export interface ServerTls extends ListenTls {
  /** SHA-256 of the certificate, the value clients pin: logged at start so the operator can publish it. */
  readonly fingerprint: string;
}

/** The `.check` of the flags: both files or neither, and --allow-plaintext only with TLS. */
export function serverTlsProblem(cert: string | undefined, key: string | undefined, allowPlaintext: boolean): string | undefined {
  if ((cert === undefined) !== (key === undefined)) return '--tls-cert and --tls-key go together';
  if (allowPlaintext && cert === undefined) return '--allow-plaintext only means something with --tls-cert';
  return undefined;
}

/** Reads the PEM files; an unreadable or malformed one fails start-up with the flag named. */
export async function readServerTls(certFile: string | undefined, keyFile: string | undefined, allowPlaintext: boolean): Promise<ServerTls | undefined> {
  if (certFile === undefined || keyFile === undefined) return undefined;
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
