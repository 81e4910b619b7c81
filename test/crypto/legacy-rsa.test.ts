import { describe, expect, it } from 'vitest';
import { forge } from '../../src/crypto/forge.js';
import { decodeLegacyBody, encodeLegacyBody } from '../../src/protocol/legacy-body.js';
import {
  generateLegacyKey,
  legacyDecrypt,
  legacyEncrypt,
  legacyKeyFromText,
  legacyKeyText,
  legacyMaxBytes,
  legacyPublicKeyDer,
  splitLegacyText,
} from '../../src/crypto/legacy-rsa.js';
import { encodeEnvelope } from '../../src/crypto/envelope-format.js';

/** A 1024-bit key as the original client made it, with the ciphertext written as it wrote it (independent of legacyEncrypt). */
function originalClientKey() {
  const pair = forge.pki.rsa.generateKeyPair({ bits: 1024, e: 0x10001 });
  const text = `PublicKey(${pair.publicKey.n.toString(10)}, ${pair.publicKey.e.toString(10)})`;
  const encrypt = (message: string) => [...Buffer.from(pair.publicKey.encrypt(message, 'RSAES-PKCS1-V1_5'), 'binary')].join(' ');
  const decrypt = (decimal: string) =>
    pair.privateKey.decrypt(Buffer.from(decimal.split(' ').map(Number)).toString('binary'), 'RSAES-PKCS1-V1_5');
  return { pair, text, encrypt, decrypt };
}

describe('legacy RSA scheme', () => {
  it('reads and writes PublicKey(n, e) as SPKI DER, both ways', () => {
    const original = originalClientKey();
    const der = legacyKeyFromText(original.text);
    expect(legacyKeyText(der)).toBe(original.text);
    expect(legacyMaxBytes(der)).toBe(117);
  });

  it('refuses key texts that are not a usable RSA key', () => {
    expect(() => legacyKeyFromText('PublicKey(7, 65537)')).toThrow(/bits/);
    expect(() => legacyKeyFromText('PublicKey(abc, 3)')).toThrow(/PublicKey/);
    expect(() => legacyKeyFromText(`PublicKey(${'9'.repeat(400)}, 4)`)).toThrow();
  });

  it('encrypts to an original client and decrypts what it sends, in the decimal format', async () => {
    const original = originalClientKey();
    const toOriginal = legacyEncrypt(legacyKeyFromText(original.text), 'hi from a modern client');
    expect(toOriginal).toMatch(/^\d{1,3}( \d{1,3}){127}$/);
    expect(original.decrypt(toOriginal)).toBe('hi from a modern client');

    const mine = await generateLegacyKey();
    const der = legacyPublicKeyDer(mine);
    expect(legacyMaxBytes(der)).toBe(245);
    const fromOriginal = [
      ...Buffer.from(
        forge.pki.publicKeyFromAsn1(forge.asn1.fromDer(der.toString('binary'))).encrypt('hello', 'RSAES-PKCS1-V1_5'),
        'binary',
      ),
    ].join(' ');
    expect(legacyDecrypt(mine, fromOriginal)).toBe('hello');
  });

  it('turns every kind of bad ciphertext into undefined, never an exception', async () => {
    const mine = await generateLegacyKey();
    const other = originalClientKey();
    for (const bad of [
      '',
      'garbage',
      '1  2',
      '300 '.repeat(256).trim(),
      '1 2 3',
      other.encrypt('for someone else'),
      legacyEncrypt(legacyPublicKeyDer(mine), 'ok').replace(/^\d+/, '7'),
    ]) {
      expect(legacyDecrypt(mine, bad)).toBeUndefined();
    }
  });

  it('splits long text at spaces within the block size and refuses non-ASCII', () => {
    expect(splitLegacyText('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(splitLegacyText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(() => splitLegacyText('café', 117)).toThrow(/ASCII/);
    expect(() => legacyEncrypt(legacyKeyFromText(originalClientKey().text), 'x'.repeat(118))).toThrow(/117/);
  });

  it('legacy bodies decode only from their own format, never from an envelope', () => {
    expect(decodeLegacyBody(encodeLegacyBody({ to: 42, text: '1 2 3' }))).toEqual({ to: 42, text: '1 2 3' });
    const envelope = encodeEnvelope({
      sessionId: Buffer.alloc(16),
      index: 0,
      wrappedKeys: [],
      iv: Buffer.alloc(12),
      ciphertext: Buffer.alloc(16),
      signature: Buffer.alloc(8),
    });
    expect(decodeLegacyBody(envelope)).toBeUndefined();
    expect(decodeLegacyBody(Buffer.from('plain text'))).toBeUndefined();
  });
});
