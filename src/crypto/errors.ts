/** Stable, machine-readable codes of the crypto layer's errors (safe to log and to switch on). */
export type CryptoErrorCode =
  'bad_key' | 'wrong_passphrase' | 'backup_key_mismatch' | 'bad_envelope' | 'missing_recipient_key' | 'invalid_seal_input' | 'legacy_text';

/**
 * Base of every error `src/crypto` raises. `code` is stable across releases; `message` is for people.
 * Errors never carry key material, passphrases or plaintext.
 */
export class CryptoError extends Error {
  override readonly name: string = 'CryptoError';
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Bytes or text that should hold a key do not: not DER/PEM, not RSA, or not the expected kind of key. */
export class BadKeyError extends CryptoError {
  override readonly name = 'BadKeyError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad_key', message, options);
  }
}

/**
 * A well-formed encrypted key did not open with the secret given: a wrong passphrase for a PEM file
 * (`wrong_passphrase`), or a key backup whose AES-GCM tag fails under the backup key derived from the
 * password (`backup_key_mismatch`: a wrong password, or a backup made under an older password).
 */
export class WrongPassphraseError extends CryptoError {
  override readonly name = 'WrongPassphraseError';
  constructor(code: 'wrong_passphrase' | 'backup_key_mismatch', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Bytes that should be a message envelope or a message's content are not (shape, type or version). */
export class BadEnvelopeError extends CryptoError {
  override readonly name = 'BadEnvelopeError';
  constructor(detail: string, options?: { cause?: unknown }) {
    super('bad_envelope', `not a valid envelope: ${detail}`, options);
  }
}

/** `sealMessage` was asked to open a session for a recipient whose public key it was not given. */
export class MissingRecipientKeyError extends CryptoError {
  override readonly name = 'MissingRecipientKeyError';
  constructor(readonly userId: number) {
    super('missing_recipient_key', `no public key given for recipient ${userId}`);
  }
}

/**
 * `sealMessage` or `newOutboundSession` was called with arguments no correct caller passes: an id that
 * is not a safe non-negative integer, a sender outside the session, an exhausted session.
 */
export class InvalidSealInputError extends CryptoError {
  override readonly name = 'InvalidSealInputError';
  constructor(message: string) {
    super('invalid_seal_input', message);
  }
}

/** Text a legacy (2022) client cannot receive: not printable ASCII, or longer than one block. */
export class LegacyTextError extends CryptoError {
  override readonly name = 'LegacyTextError';
  constructor(
    readonly reason: 'not_ascii' | 'too_long',
    message: string,
  ) {
    super('legacy_text', message);
  }
}
