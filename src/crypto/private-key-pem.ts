import { createCipheriv, createDecipheriv, createPrivateKey, pbkdf2Sync, randomBytes, type KeyObject } from 'node:crypto';
import { forge, type Asn1 } from './forge.js';
import { BadKeyError, WrongPassphraseError } from './errors.js';
import { asn1ToDer, encryptedPrivateKeyPem, readEncryptedPrivateKeyPem, readPbes2Parameters, type Pbes2Parameters } from './pkcs8-pbes2.js';

/**
 * PBKDF2-HMAC-SHA256 iterations for a new identity-key file: 600,000, OWASP's 2023 figure for this PRF.
 *
 * Why node:crypto runs the PBKDF2 (node-forge still writes and reads the ASN.1 and the PEM): measured
 * here, node-forge's pure-JavaScript PBKDF2 manages about 165,000 iterations/s, so the ~1 s budget for an
 * encrypt + decrypt round trip would allow only ~75,000 iterations; OpenSSL's runs 600,000 in ~130 ms,
 * so the round trip costs ~0.3 s at 8x the work factor. The file is standard PBES2, so OpenSSL, node and
 * node-forge itself all read it.
 */
export const DEFAULT_PEM_ITERATIONS = 600_000;

/** Files asking for more iterations than this are refused as malformed rather than hanging the client. */
const MAX_PEM_ITERATIONS = 10_000_000;

export interface PemEncryptionOptions {
  /** PBKDF2 iterations. @default DEFAULT_PEM_ITERATIONS */
  readonly iterations?: number;
}

/**
 * The private key as an encrypted PKCS#8 PEM ("-----BEGIN ENCRYPTED PRIVATE KEY-----"): PBES2 with
 * PBKDF2-HMAC-SHA256 (16-byte random salt) and AES-256-CBC (random IV), over the UTF-8 bytes of the
 * passphrase as OpenSSL uses them. Throws BadKeyError when `privateKey` is not an RSA private key.
 */
export function encryptPrivateKeyPem(privateKey: KeyObject, passphrase: string, options: PemEncryptionOptions = {}): string {
  requireRsaPrivate(privateKey);
  const iterations = options.iterations ?? DEFAULT_PEM_ITERATIONS;
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_PEM_ITERATIONS) {
    throw new RangeError(`PBKDF2 iterations must be 1..${MAX_PEM_ITERATIONS}, not ${iterations}`);
  }
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(passphrase, 'utf8'), salt, iterations, 32, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const encrypted = Buffer.concat([cipher.update(der), cipher.final()]);
  return encryptedPrivateKeyPem({ salt, iterations, iv, encrypted });
}

/**
 * Opens an encrypted PKCS#8 PEM written by `encryptPrivateKeyPem`, by OpenSSL or node:crypto
 * (`export({type: 'pkcs8', cipher, passphrase})`) or by node-forge. PBES2 + PBKDF2 + AES-CBC files are
 * decrypted with node:crypto; other schemes node-forge knows (PKCS#12 3DES, DES) with node-forge.
 *
 * @throws BadKeyError when the text is not an encrypted PKCS#8 PEM, or holds no RSA private key.
 * @throws WrongPassphraseError (`wrong_passphrase`) when the file is well formed but does not decrypt.
 */
export function decryptPrivateKeyPem(pem: string, passphrase: string): KeyObject {
  let info: Asn1;
  let params: Pbes2Parameters | undefined;
  try {
    info = readEncryptedPrivateKeyPem(pem);
    params = readPbes2Parameters(info);
  } catch (error) {
    throw new BadKeyError('not an encrypted PKCS#8 private key PEM', { cause: error });
  }
  if (params && (params.iterations < 1 || params.iterations > MAX_PEM_ITERATIONS)) {
    throw new BadKeyError(`encrypted private key asks for ${params.iterations} PBKDF2 iterations`);
  }
  const der = params ? decryptPbes2(params, passphrase) : decryptWithForge(info, passphrase);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (error) {
    // CBC padding happens to check out under a wrong key about once in 256 tries; the plaintext is
    // then garbage, which is still a wrong passphrase, not a malformed file.
    throw new WrongPassphraseError('wrong_passphrase', 'wrong passphrase for the private key', { cause: error });
  }
  requireRsaPrivate(key);
  return key;
}

function decryptPbes2(params: Pbes2Parameters, passphrase: string): Buffer {
  const key = pbkdf2Sync(Buffer.from(passphrase, 'utf8'), params.salt, params.iterations, params.keyLength, params.digest);
  try {
    const decipher = createDecipheriv(params.cipher, key, params.iv);
    return Buffer.concat([decipher.update(params.encrypted), decipher.final()]);
  } catch (error) {
    throw new WrongPassphraseError('wrong_passphrase', 'wrong passphrase for the private key', { cause: error });
  }
}

/** Schemes other than PBES2/AES, in node-forge's pure JavaScript (slow, but only for foreign files). */
function decryptWithForge(info: Asn1, passphrase: string): Buffer {
  let decrypted: Asn1 | null;
  try {
    decrypted = forge.pki.decryptPrivateKeyInfo(info, forge.util.encodeUtf8(passphrase));
  } catch (error) {
    // forge throws both for schemes it does not know and for garbage decrypted by a wrong passphrase.
    if (error instanceof Error && /Unsupported|not a supported/i.test(error.message)) {
      throw new BadKeyError('unsupported encryption scheme for the private key', { cause: error });
    }
    throw new WrongPassphraseError('wrong_passphrase', 'wrong passphrase for the private key', { cause: error });
  }
  if (!decrypted) throw new WrongPassphraseError('wrong_passphrase', 'wrong passphrase for the private key');
  return asn1ToDer(decrypted);
}

/** Throws BadKeyError unless `key` is an RSA private key. */
export function requireRsaPrivate(key: KeyObject): void {
  if (key.type !== 'private' || key.asymmetricKeyType !== 'rsa') {
    throw new BadKeyError(`expected an RSA private key, got a ${key.type} ${key.asymmetricKeyType ?? 'secret'} key`);
  }
}
