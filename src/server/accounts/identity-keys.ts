import { BadKeyError, importPublicKey } from '../../crypto/index.js';
import { RequestError } from '../errors.js';

/**
 * A published identity key, checked to be what every client can use: an RSA public key (SPKI DER) of
 * MIN_PEER_KEY_BITS..MAX_PEER_KEY_BITS bits. Refused with `bad_request` at signup and publish_keys, not
 * discovered by every other user's client when it lists users or reads this one's messages.
 */
export function checkedPublicKey(spkiDer: Uint8Array): Uint8Array {
  try {
    importPublicKey(spkiDer);
    return spkiDer;
  } catch (error) {
    if (!(error instanceof BadKeyError)) throw error;
    throw new RequestError('bad_request', `publicKey: ${error.message}`, { cause: error });
  }
}
