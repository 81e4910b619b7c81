/**
 * The client library's public surface: what a front end (the TUI, the CLI) may use, and the only
 * module of src/client they import (test/architecture/layers.test.ts checks). ChatClient is the
 * account, its connection and its conversations; the rest are the pieces a front end needs around it:
 * typed errors, message and key views, server pinning, key transfer and password checks.
 */
export { ChatClient, type ChatClientOptions, type ClientEvents, type ClientStatus } from './chat-client.js';
export { connectToNode, type ClientTls, type NodeConnection, type ServerAddress } from './connect.js';
export { describeEvent } from './describe-event.js';
export { groupLabel } from './directory.js';
export {
  ConnectionClosedError,
  KeyChangedError,
  LocalStateError,
  lostWithConnection,
  NodeUnreachableError,
  OfflineError,
  RequestFailedError,
  RequestTimeoutError,
  SendError,
  ServerProtocolError,
  WeakPasswordError,
  WrongPasswordError,
} from './errors.js';
// Connection failures a front end tells apart (refused, unreachable, a certificate refused) come from the transport.
export { ConnectError, TlsVerifyError } from '../transport/errors.js';
// The fingerprint users compare, of a published key (SPKI DER) as the server lists it.
export { fingerprint } from '../crypto/index.js';
export { exportIdentityKey, newIdentityKey, openExportedKey } from './key-transfer.js';
export { keyChangeNote, type ContactKey, type Keyring } from './keyring.js';
export { MESSAGE_TEXT_MAX_BYTES, messageTooLong } from './message-limit.js';
export { notableSentAt, SENT_AT_SHOWN_AFTER_MS, type ChatMessage, type Trust } from './message-reader.js';
export { MIN_PASSWORD_SCORE, passwordStrength, requireStrongPassword, type PasswordStrength } from './password-strength.js';
export {
  firstPinNotice,
  pinPresentedCertificate,
  PinRefusedError,
  ServerCertChangedError,
  ServerTrust,
  type PinResult,
  type ServerPin,
} from './server-trust.js';
