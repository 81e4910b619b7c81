import { createHash, generateKeyPairSync } from 'node:crypto';
import { forge } from './forge.js';

/** A certificate and its private key, both PEM. */
export interface Certificate {
  readonly certPem: string;
  readonly keyPem: string;
  /** SHA-256 of the DER certificate, upper-case hex pairs joined by ':' (as Node's fingerprint256). */
  readonly fingerprint: string;
}

export interface CertificateOptions {
  /** Subject common name. @default the first name, or 'fastchat CA' for a CA */
  readonly commonName?: string;
  /** DNS names and IP addresses the certificate is valid for. @default ['localhost', '127.0.0.1'] */
  readonly names?: readonly string[];
  /** Sign with this CA; absent: self-signed. */
  readonly issuer?: Certificate;
  /** Make a CA certificate (basicConstraints cA). */
  readonly ca?: boolean;
  /** How long it is valid from now. @default 1 day */
  readonly validDays?: number;
}

/**
 * Makes an X.509 certificate with a new RSA-2048 key. The key comes from node:crypto (forge's
 * pure-JavaScript key generation takes seconds); node-forge builds and signs the certificate.
 */
export function makeCertificate(options: CertificateOptions = {}): Certificate {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  // A random positive serial: two certificates of one issuer must not share one.
  cert.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + (options.validDays ?? 1) * 86_400_000);
  const names = options.names ?? ['localhost', '127.0.0.1'];
  const subject = [{ name: 'commonName', value: options.commonName ?? (options.ca ? 'fastchat CA' : (names[0] ?? 'localhost')) }];
  cert.setSubject(subject);
  const issuer = options.issuer ? forge.pki.certificateFromPem(options.issuer.certPem) : undefined;
  cert.setIssuer(issuer ? issuer.subject.attributes : subject);
  cert.setExtensions(
    options.ca
      ? [
          { name: 'basicConstraints', cA: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true },
        ]
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
