import type { ChatClient, Keyring } from '../client/index.js';

/**
 * The part of ChatClient the TUI uses. A ChatClient is one; component tests pass a small fake.
 */
export type TuiClient = Pick<
  ChatClient,
  | 'on'
  | 'send'
  | 'history'
  | 'request'
  | 'changeMembers'
  | 'markRead'
  | 'findUser'
  | 'findGroup'
  | 'nameOf'
  | 'conversations'
  | 'status'
  | 'user'
  | 'close'
  | 'backlog'
  | 'backlogTotal'
  | 'trust'
  | 'acceptMember'
  | 'sessions'
  | 'endSession'
  | 'changePassword'
  | 'block'
  | 'unblock'
  | 'blocked'
> & {
  readonly identity: { readonly fingerprint: string };
  readonly keyring: Pick<Keyring, 'get' | 'unusableKey'>;
  readonly outbox: { readonly size: number };
};
