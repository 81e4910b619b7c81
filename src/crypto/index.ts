/**
 * The crypto layer's public surface: identity keys and their files, password-derived keys, the key
 * backup, and message envelopes. Pure functions over bytes and KeyObjects: no files, no network.
 */
export * from './errors.js';
export * from './identity.js';
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
export * from './legacy-body.js';
