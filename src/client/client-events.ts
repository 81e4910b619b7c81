import type { ConversationView, Push, UserView } from '../protocol/index.js';
import type { ServerAddress } from './connect.js';
import type { ChatMessage } from './message-reader.js';
import type { SendReceipt } from './sender.js';

export type ClientStatus =
  | { readonly state: 'connecting' }
  | { readonly state: 'connected'; readonly node: ServerAddress }
  | {
      readonly state: 'reconnecting';
      readonly attempt: number;
      readonly delayMs: number;
      /** When the next attempt starts (ms since the epoch), for a countdown. */
      readonly nextAttemptAt: number;
      readonly reason: string;
      /**
       * The code of the connection-level error frame the server sent before it closed (protocol.md
       * § error), such as `shutting_down`; absent when the connection just broke.
       */
      readonly code?: string;
    }
  /**
   * The server ended this session for good (`session_ended`: ended from another session, or the
   * password was changed) or refused its login (`bad_credentials`): the client does not try again;
   * the user logs in anew.
   */
  | { readonly state: 'ended'; readonly code: string; readonly reason: string }
  | { readonly state: 'closed' };

/** What a ChatClient tells its listeners (the TUI, the CLI commands). */
export interface ClientEvents {
  status: (status: ClientStatus) => void;
  /** A conversation row, decrypted, in seq order per conversation, once. */
  message: (message: ChatMessage) => void;
  conversation: (conversation: ConversationView) => void;
  presence: (presence: Extract<Push, { t: 'presence' }>) => void;
  typing: (typing: Extract<Push, { t: 'typing' }>) => void;
  receipt: (receipt: Extract<Push, { t: 'receipt' }>) => void;
  /** The user's own account as it is after `publish_keys` on another of their sessions. */
  keys: (user: UserView) => void;
  /**
   * The user's identity key was replaced from another session (a `keys` push naming a key this
   * client does not hold): this client still signs with the old one, and the user should know.
   */
  ownKeyChanged: (change: { readonly fingerprint: string }) => void;
  /** The server stored a message this client sent: once per message, also when a resend was re-acked. */
  sent: (receipt: SendReceipt) => void;
  /** A queued message cannot be sent (not a member, key changed…). */
  failed: (failure: { cid: string; code: string; message: string }) => void;
}

/** Emits one of the ClientEvents (the client's own emit, handed to the parts that receive). */
export type EmitClientEvent = <K extends keyof ClientEvents>(event: K, ...args: Parameters<ClientEvents[K]>) => void;
