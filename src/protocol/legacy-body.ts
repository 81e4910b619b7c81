import { packValue, unpackValue } from './msgpack.js';

/**
 * A legacy message as the server stores it (docs/legacy.md § Messages), a body format both sides read
 * (the server to hand it to legacy clients, a modern client to show it): a MessagePack map
 * `{legacy: 1, to: <recipient user id>, text: "<decimal bytes>"}`. `text` is the 2022 ciphertext for
 * that one recipient; the server recognises these bodies to hand them to legacy clients, and modern
 * envelopes (which never have a `legacy` field) stay opaque. Not authenticated: whoever sent it, it is
 * shown as from an unverified legacy client.
 */
export interface LegacyBody {
  readonly to: number;
  readonly text: string;
}

const FIELDS: readonly string[] = ['legacy', 'to', 'text'];

/** Longest ciphertext text kept: a 4096-bit key's block is at most 512 × 4 characters. */
export const LEGACY_TEXT_MAX = 2048;

export function encodeLegacyBody(body: LegacyBody): Buffer {
  return packValue({ legacy: 1, to: body.to, text: body.text });
}

/** The legacy body in `bytes`, or undefined when they are anything else (a modern envelope, garbage). */
export function decodeLegacyBody(bytes: Uint8Array): LegacyBody | undefined {
  // Cheap reject first: a fixmap of three whose first key is "legacy" (0x83 0xa6 'legacy').
  if (bytes.length < 8 || bytes[0] !== 0x83 || bytes[1] !== 0xa6) return undefined;
  try {
    const map = unpackValue(bytes);
    if (typeof map !== 'object' || map === null || Object.getPrototypeOf(map) !== Object.prototype) return undefined;
    if (Object.keys(map).some((key) => !FIELDS.includes(key))) return undefined;
    const { legacy, to, text } = map as Record<string, unknown>;
    if (legacy !== 1 || typeof to !== 'number' || !Number.isSafeInteger(to) || to < 1) return undefined;
    if (typeof text !== 'string' || text.length === 0 || text.length > LEGACY_TEXT_MAX) return undefined;
    return { to, text };
  } catch {
    // Swallowed on purpose: "not a legacy body" is the answer for anything that does not decode.
    return undefined;
  }
}
