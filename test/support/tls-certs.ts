import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertificate, type Certificate } from '../../src/crypto/tls-certificate.js';

/** A certificate and its private key, both PEM (src/crypto/tls-certificate.ts). */
export type TestCert = Certificate;

export interface CertOptions {
  /** Subject common name. @default 'localhost' (or 'fastchat test CA') */
  readonly commonName?: string;
  /** DNS names and IP addresses the certificate is valid for. @default ['localhost', '127.0.0.1'] */
  readonly names?: readonly string[];
  /** Sign with this CA; absent: self-signed. */
  readonly issuer?: TestCert;
  /** Make a CA certificate (basicConstraints cA). */
  readonly ca?: boolean;
}

/** Makes a certificate at run time, so no key is ever committed: valid for a day, named for localhost. */
export function makeCert(options: CertOptions = {}): TestCert {
  return makeCertificate({ ...options, commonName: options.commonName ?? (options.ca ? 'fastchat test CA' : 'localhost') });
}

/** Writes certificates into a fresh temp folder (what the CLIs read); `remove()` deletes it. */
export async function writeCerts(
  files: Record<string, string>,
): Promise<{ dir: string; path: (name: string) => string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'fastchat-tls-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text, { mode: 0o600 });
  return { dir, path: (name) => join(dir, name), remove: () => rm(dir, { recursive: true, force: true }) };
}
