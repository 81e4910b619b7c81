import { describe, expect, it } from 'vitest';
import { UnknownCodecError, sniffCodec } from '../../src/protocol/index.js';

describe('sniffCodec', () => {
  it('picks the framed codec for 0x00', () => {
    expect(sniffCodec(0x00)).toBe('framed');
  });

  it.each([0x7b, 0x20, 0x09, 0x0a, 0x0d])('picks the legacy codec for 0x%s', (byte) => {
    expect(sniffCodec(byte)).toBe('legacy');
  });

  it.each([0x01, 0x16, 0x47, 0x5b, 0x22, 0xff])('rejects 0x%s with a clear error', (byte) => {
    expect(() => sniffCodec(byte)).toThrow(UnknownCodecError);
    expect(() => sniffCodec(byte)).toThrow(/expected a fastchat frame \(0x00\) or legacy JSON/);
  });
});
