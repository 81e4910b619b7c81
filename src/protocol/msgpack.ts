import { Packr } from 'msgpackr';
import { MalformedPayloadError } from './errors.js';

/**
 * The one MessagePack configuration of the wire format: plain maps (no msgpackr records, so any
 * MessagePack library can read our frames), maps decoded to plain objects, and binary fields copied
 * out of the receive buffer — the frame decoder reuses that buffer, so a view into it would be
 * overwritten by later frames.
 */
const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  copyBuffers: true,
  variableMapSize: true,
});

/** Encodes one value as MessagePack. */
export function packValue(value: unknown): Buffer {
  return packr.pack(value);
}

/**
 * Decodes exactly one MessagePack value spanning `bytes[start..end)` (all of it by default); anything
 * else is a MalformedPayloadError. Passing bounds instead of a subarray saves an allocation per frame.
 */
export function unpackValue(bytes: Uint8Array, start = 0, end = bytes.length): unknown {
  try {
    return packr.unpack(bytes, { start, end });
  } catch (error) {
    throw new MalformedPayloadError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}
