import { forge, type Asn1 } from './forge.js';

/**
 * The ASN.1 of an encrypted PKCS#8 key (RFC 5958 `EncryptedPrivateKeyInfo`) protected with PBES2
 * (RFC 8018 §6.2): PBKDF2 with an HMAC-SHA-x PRF, then AES-CBC. node-forge writes and reads the ASN.1
 * and the PEM armour; the caller runs PBKDF2 and AES with node:crypto (see private-key-pem.ts).
 */

const OID = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSHA256: '1.2.840.113549.2.9',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
} as const;

/** PRF OIDs (RFC 8018 appendix B.1) → node:crypto digest names. */
const PRF_BY_OID: ReadonlyMap<string, PbkdfDigest> = new Map([
  ['1.2.840.113549.2.7', 'sha1'],
  ['1.2.840.113549.2.8', 'sha224'],
  ['1.2.840.113549.2.9', 'sha256'],
  ['1.2.840.113549.2.10', 'sha384'],
  ['1.2.840.113549.2.11', 'sha512'],
]);

/** AES-CBC OIDs (NIST) → node:crypto cipher names and key lengths. */
const CIPHER_BY_OID: ReadonlyMap<string, { cipher: AesCbc; keyLength: number }> = new Map([
  ['2.16.840.1.101.3.4.1.2', { cipher: 'aes-128-cbc', keyLength: 16 }],
  ['2.16.840.1.101.3.4.1.22', { cipher: 'aes-192-cbc', keyLength: 24 }],
  ['2.16.840.1.101.3.4.1.42', { cipher: 'aes-256-cbc', keyLength: 32 }],
]);

export type PbkdfDigest = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type AesCbc = 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc';

/** Everything needed to decrypt a PBES2 + PBKDF2 + AES-CBC `EncryptedPrivateKeyInfo`. */
export interface Pbes2Parameters {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly digest: PbkdfDigest;
  readonly cipher: AesCbc;
  readonly keyLength: number;
  readonly iv: Buffer;
  readonly encrypted: Buffer;
}

const { Class, Type } = forge.asn1;
const toBinary = (bytes: Uint8Array): string => Buffer.from(bytes).toString('binary');
const fromBinary = (bytes: string): Buffer => Buffer.from(bytes, 'binary');
const seq = (items: Asn1[]) => forge.asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, items);
const oid = (dotted: string) => forge.asn1.create(Class.UNIVERSAL, Type.OID, false, forge.asn1.oidToDer(dotted).getBytes());
const octets = (bytes: Uint8Array) => forge.asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, toBinary(bytes));
const integer = (n: number) => forge.asn1.create(Class.UNIVERSAL, Type.INTEGER, false, forge.asn1.integerToDer(n).getBytes());
const nullValue = () => forge.asn1.create(Class.UNIVERSAL, Type.NULL, false, '');

/**
 * Builds the PEM ("-----BEGIN ENCRYPTED PRIVATE KEY-----") of an AES-256-CBC, PBKDF2-HMAC-SHA256
 * `EncryptedPrivateKeyInfo`, the same structure node-forge's `encryptPrivateKeyInfo` and OpenSSL 3 write.
 */
export function encryptedPrivateKeyPem(input: { salt: Buffer; iterations: number; iv: Buffer; encrypted: Buffer }): string {
  const pbkdf2Params = seq([octets(input.salt), integer(input.iterations), integer(32), seq([oid(OID.hmacWithSHA256), nullValue()])]);
  const algorithm = seq([oid(OID.pbes2), seq([seq([oid(OID.pbkdf2), pbkdf2Params]), seq([oid(OID.aes256Cbc), octets(input.iv)])])]);
  return forge.pki.encryptedPrivateKeyToPem(seq([algorithm, octets(input.encrypted)]));
}

/**
 * Reads the PEM of an `EncryptedPrivateKeyInfo` into its ASN.1. Throws (a forge error) when the text
 * is not such a PEM or its body is not DER.
 */
export function readEncryptedPrivateKeyPem(pem: string): Asn1 {
  return forge.pki.encryptedPrivateKeyFromPem(pem);
}

/**
 * The PBES2 parameters of an `EncryptedPrivateKeyInfo`, or undefined when it uses another scheme
 * (PKCS#12 3DES, DES, …) that the caller leaves to node-forge. Throws a plain Error when the ASN.1 is
 * not an `EncryptedPrivateKeyInfo` at all.
 */
export function readPbes2Parameters(info: Asn1): Pbes2Parameters | undefined {
  const [algorithm, encryptedData] = children(info, 2);
  const [schemeOid, schemeParams] = children(algorithm, 2);
  const encrypted = bytesOf(encryptedData, Type.OCTETSTRING);
  if (oidOf(schemeOid) !== OID.pbes2) return undefined;
  const [kdf, encryption] = children(schemeParams, 2);
  const [kdfOid, kdfParams] = children(kdf, 2);
  if (oidOf(kdfOid) !== OID.pbkdf2) return undefined;
  const [cipherOid, ivNode] = children(encryption, 2);
  const cipher = CIPHER_BY_OID.get(oidOf(cipherOid));
  if (!cipher) return undefined;

  const params = children(kdfParams);
  const salt = bytesOf(params[0], Type.OCTETSTRING);
  const iterations = integerOf(params[1]);
  let at = 2;
  let keyLength = cipher.keyLength;
  if (params[at]?.type === Type.INTEGER) keyLength = integerOf(params[at++]);
  let digest: PbkdfDigest | undefined = 'sha1'; // RFC 8018: the PRF defaults to hmacWithSHA1
  if (params[at]) digest = PRF_BY_OID.get(oidOf(children(params[at])[0]));
  if (!digest || keyLength !== cipher.keyLength) return undefined;
  return { salt, iterations, digest, cipher: cipher.cipher, keyLength, iv: bytesOf(ivNode, Type.OCTETSTRING), encrypted };
}

/** The DER bytes of an ASN.1 value. */
export function asn1ToDer(node: Asn1): Buffer {
  return fromBinary(forge.asn1.toDer(node).getBytes());
}

function children(node: Asn1 | undefined, atLeast = 1): Asn1[] {
  if (!node || node.type !== Type.SEQUENCE || !Array.isArray(node.value) || node.value.length < atLeast) {
    throw new Error('EncryptedPrivateKeyInfo: expected a SEQUENCE');
  }
  return node.value;
}

function bytesOf(node: Asn1 | undefined, type: Asn1['type']): Buffer {
  if (!node || node.type !== type || typeof node.value !== 'string')
    throw new Error(`EncryptedPrivateKeyInfo: expected ASN.1 type ${type}`);
  return fromBinary(node.value);
}

function oidOf(node: Asn1 | undefined): string {
  return forge.asn1.derToOid(bytesOf(node, Type.OID).toString('binary'));
}

function integerOf(node: Asn1 | undefined): number {
  const bytes = bytesOf(node, Type.INTEGER);
  if (bytes.length === 0 || bytes.length > 6 || (bytes[0]! & 0x80) !== 0) throw new Error('EncryptedPrivateKeyInfo: integer out of range');
  return bytes.readUIntBE(0, bytes.length);
}
