import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forge } from '../../src/crypto/forge.js';

/** A certificate and its private key, both PEM. */
export interface TestCert {
  readonly certPem: string;
  readonly keyPem: string;
  /** SHA-256 of the DER certificate, upper-case hex pairs joined by ':' (as Node's fingerprint256). */
  readonly fingerprint: string;
}

export interface CertOptions {
  /** Subject common name. @default 'localhost' */
  readonly commonName?: string;
  /** DNS names and IP addresses the certificate is valid for. @default ['localhost', '127.0.0.1'] */
  readonly names?: readonly string[];
  /** Sign with this CA; absent: self-signed. */
  readonly issuer?: TestCert;
  /** Make a CA certificate (basicConstraints cA). */
  readonly ca?: boolean;
}

let serial = 1;

/**
 * Makes a certificate at run time, so no key is ever committed. The RSA key comes from node:crypto
 * (forge's pure-JavaScript key generation takes seconds); node-forge builds and signs the X.509.
 */
export function makeCert(options: CertOptions = {}): TestCert {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = (serial++).toString(16).padStart(2, '0');
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  const subject = [{ name: 'commonName', value: options.commonName ?? (options.ca ? 'fastchat test CA' : 'localhost') }];
  cert.setSubject(subject);
  const issuer = options.issuer ? forge.pki.certificateFromPem(options.issuer.certPem) : undefined;
  cert.setIssuer(issuer ? issuer.subject.attributes : subject);
  const names = options.names ?? ['localhost', '127.0.0.1'];
  cert.setExtensions(
    options.ca
      ? [{ name: 'basicConstraints', cA: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true }]
      : [
          { name: 'basicConstraints', cA: false },
          { name: 'subjectAltName', altNames: names.map((n) => (/^[\d.]+$|:/.test(n) ? { type: 7, ip: n } : { type: 2, value: n })) },
        ],
  );
  const signer = options.issuer ? forge.pki.privateKeyFromPem(options.issuer.keyPem) : key;
  cert.sign(signer, forge.md.sha256.create());
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  const fingerprint = createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
  return { certPem: forge.pki.certificateToPem(cert), keyPem, fingerprint };
}

/** Writes certificates into a fresh temp folder (what the CLIs read); `remove()` deletes it. */
export async function writeCerts(files: Record<string, string>): Promise<{ dir: string; path: (name: string) => string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'fastchat-tls-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text, { mode: 0o600 });
  return { dir, path: (name) => join(dir, name), remove: () => rm(dir, { recursive: true, force: true }) };
}
