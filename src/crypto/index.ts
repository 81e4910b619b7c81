/**
 * The crypto layer's public surface, the only module other layers import from it (the layers test
 * checks): identity keys and their files, fingerprints, password-derived keys and verifiers, the key
 * backup, key-change statements, message envelopes, sealing for this machine's files, the 2022 RSA
 * scheme, and the server's self-signed certificate. Pure functions over bytes and KeyObjects: no
 * files, no network.
 */
export * from './errors.js';
export * from './identity.js';
export * from './fingerprint.js';
export * from './local-seal.js';
export * from './tls-certificate.js';
export * from './password-keys.js';
export * from './key-backup.js';
export { keyChangeStatement, signKeyChange, verifyKeyChange } from './key-change.js';
export * from './envelope.js';
export { readMessage, type ReadInput } from './read-message.js';
export { MAX_MESSAGE_INDEX } from './session.js';
export { DEFAULT_SESSION_KEY_CACHE_ENTRIES } from './session-key-cache.js';
export {
  formatKdf,
  parseKdf,
  makeVerifier,
  checkVerifier,
  DEFAULT_VERIFIER_PARAMS,
  newResumeToken,
  resumeTokenHash,
  type Verifier,
  type VerifierParams,
} from './secret-verifier.js';
export * from './legacy-rsa.js';
