import { BadKeyError, LEGACY_MAX_BITS, LEGACY_MIN_BITS, legacyMaxBytes } from '../../crypto/index.js';
import { RequestError } from '../errors.js';

/**
 * A modern client's published legacy key, checked to be an RSA key of an accepted size, which legacy
 * clients can be shown as `PublicKey(n, e)` (a bad key is refused at signup, not when a legacy client
 * asks for the list).
 */
export function checkedLegacyKey(spkiDer: Uint8Array): Uint8Array {
  try {
    const bits = (legacyMaxBytes(spkiDer) + 11) * 8;
    if (bits < LEGACY_MIN_BITS || bits > LEGACY_MAX_BITS)
      throw new BadKeyError(`an RSA key of ${bits} bits is outside ${LEGACY_MIN_BITS}..${LEGACY_MAX_BITS}`);
    return spkiDer;
  } catch (error) {
    if (!(error instanceof BadKeyError)) throw error;
    throw new RequestError('bad_request', `legacyKey: ${error.message}`, { cause: error });
  }
}
