import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { BadKeyError, WrongPassphraseError } from '../../src/crypto/errors.js';
import { forge } from '../../src/crypto/forge.js';
import {
  decryptPrivateKeyPem,
  encryptPrivateKeyPem,
  generateIdentityKey,
  importPublicKey,
  publicKeyDer,
} from '../../src/crypto/identity.js';
import { identityKeys } from './keys.js';

let key: KeyObject;
let other: KeyObject;
beforeAll(async () => {
  [key, other] = (await identityKeys(2)) as [KeyObject, KeyObject];
});

const samePrivateKey = (a: KeyObject, b: KeyObject) =>
  expect(a.export({ format: 'der', type: 'pkcs8' }).equals(b.export({ format: 'der', type: 'pkcs8' }))).toBe(true);

describe('identity keys', () => {
  it('generates RSA-3072 private keys with e = 65537, a different one each time', async () => {
    expect(key.type).toBe('private');
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails).toMatchObject({ modulusLength: 3072, publicExponent: 65537n });
    expect(publicKeyDer(key).equals(publicKeyDer(other))).toBe(false);
    expect((await generateIdentityKey()).type).toBe('private');
  });

  it('exports the same SPKI DER from the private key and from its public half, and imports it back', () => {
    const der = publicKeyDer(key);
    expect(publicKeyDer(createPublicKey(key)).equals(der)).toBe(true);
    const imported = importPublicKey(der);
    expect(imported.type).toBe('public');
    expect(publicKeyDer(imported).equals(der)).toBe(true);
  });

  it('refuses garbage, non-RSA and small RSA public keys with BadKeyError', () => {
    expect(() => importPublicKey(Buffer.from('not a key'))).toThrow(BadKeyError);
    expect(() => importPublicKey(new Uint8Array(0))).toThrow(BadKeyError);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' });
    expect(() => importPublicKey(ec)).toThrow(/RSA/);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'der', type: 'spki' });
    expect(() => importPublicKey(small)).toThrow(/1024 bits/);
  });
});

describe('encrypted private key PEM', () => {
  it('round-trips the key under its passphrase', () => {
    const pem = encryptPrivateKeyPem(key, 'correct horse battery staple');
    samePrivateKey(decryptPrivateKeyPem(pem, 'correct horse battery staple'), key);
  });

  it('is an encrypted PKCS#8 PEM (PBES2, AES-256-CBC, PBKDF2-HMAC-SHA256), never a plain one', () => {
    const pem = encryptPrivateKeyPem(key, 'pass');
    expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\r?\n/);
    expect(pem).toContain('ENCRYPTED');
    expect(pem).not.toContain('BEGIN PRIVATE KEY');
    expect(pem).not.toContain('BEGIN RSA PRIVATE KEY');
    const der = forge.asn1.toDer(forge.pki.encryptedPrivateKeyFromPem(pem)).getBytes();
    expect(der).toContain(forge.asn1.oidToDer('1.2.840.113549.1.5.13').getBytes()); // PBES2
    expect(der).toContain(forge.asn1.oidToDer('2.16.840.1.101.3.4.1.42').getBytes()); // aes256-CBC
    expect(der).toContain(forge.asn1.oidToDer('1.2.840.113549.2.9').getBytes()); // hmacWithSHA256
    // Two encryptions of one key differ (fresh salt and IV).
    expect(encryptPrivateKeyPem(key, 'pass')).not.toBe(pem);
  });

  it('answers WrongPassphraseError for a wrong passphrase, many times over (CBC padding can pass by luck)', () => {
    const pem = encryptPrivateKeyPem(key, 'right', { iterations: 1 });
    for (let i = 0; i < 300; i++) {
      const attempt = () => decryptPrivateKeyPem(pem, `wrong ${i}`);
      expect(attempt).toThrow(WrongPassphraseError);
    }
    expect(() => decryptPrivateKeyPem(encryptPrivateKeyPem(key, 'right'), 'Right')).toThrow(
      expect.objectContaining({ name: 'WrongPassphraseError', code: 'wrong_passphrase' }),
    );
  });

  it('answers BadKeyError for text that is not an encrypted PKCS#8 PEM', () => {
    const plain = key.export({ format: 'pem', type: 'pkcs8' }) as string;
    const pem = encryptPrivateKeyPem(key, 'pass', { iterations: 1 });
    const lines = pem.trim().split(/\r?\n/);
    const truncated = [...lines.slice(0, 4), lines.at(-1)].join('\n');
    for (const bad of ['', 'hello', plain, truncated, pem.replace(/[A-Za-z]{8}/, '!!!!!!!!')]) {
      expect(() => decryptPrivateKeyPem(bad, 'pass'), bad.slice(0, 40)).toThrow(BadKeyError);
    }
  });

  it('reads the encrypted PKCS#8 PEM that node:crypto (OpenSSL) writes', () => {
    for (const cipher of ['aes-256-cbc', 'aes-128-cbc']) {
      const pem = key.export({ format: 'pem', type: 'pkcs8', cipher, passphrase: 'pässword' }) as string;
      samePrivateKey(decryptPrivateKeyPem(pem, 'pässword'), key);
      expect(() => decryptPrivateKeyPem(pem, 'password')).toThrow(WrongPassphraseError);
    }
  });

  it('writes a PEM that OpenSSL and node-forge read on their own', () => {
    const pem = encryptPrivateKeyPem(key, 'pässword', { iterations: 1000 });
    samePrivateKey(createPrivateKey({ key: pem, format: 'pem', passphrase: 'pässword' }), key);
    const info = forge.pki.decryptPrivateKeyInfo(forge.pki.encryptedPrivateKeyFromPem(pem), forge.util.encodeUtf8('pässword'));
    const der = Buffer.from(forge.asn1.toDer(info).getBytes(), 'binary');
    samePrivateKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), key);
  });

  it('reads a PEM node-forge encrypts with another scheme (PKCS#12 3DES)', () => {
    const info = forge.asn1.fromDer(key.export({ format: 'der', type: 'pkcs8' }).toString('binary'));
    const pem = forge.pki.encryptedPrivateKeyToPem(forge.pki.encryptPrivateKeyInfo(info, 'pass', { algorithm: '3des', count: 100 }));
    samePrivateKey(decryptPrivateKeyPem(pem, 'pass'), key);
    expect(() => decryptPrivateKeyPem(pem, 'wrong')).toThrow(WrongPassphraseError);
  });

  it('refuses to encrypt anything but an RSA private key', () => {
    expect(() => encryptPrivateKeyPem(createPublicKey(key), 'pass')).toThrow(BadKeyError);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(() => encryptPrivateKeyPem(ec, 'pass')).toThrow(BadKeyError);
  });
});
