import { describe } from 'vitest';
import { blocksContract } from './chat-store/blocks.js';
import { concurrencyContract } from './chat-store/concurrency.js';
import { conversationsContract } from './chat-store/conversations.js';
import { cursorsContract } from './chat-store/cursors.js';
import { type OpenStore, useFixture } from './chat-store/fixture.js';
import { membershipContract } from './chat-store/membership.js';
import { membershipLimitsContract } from './chat-store/membership-limits.js';
import { messagesContract } from './chat-store/messages.js';
import { nodesContract } from './chat-store/nodes.js';
import { presenceContract } from './chat-store/presence.js';
import { resumeTokensContract } from './chat-store/resume-tokens.js';
import { unreadContract } from './chat-store/unread.js';
import { usersContract } from './chat-store/users.js';

export type { OpenStore } from './chat-store/fixture.js';

/**
 * The ChatStore contract (src/store/chat-store.ts): every backend passes this suite. `open` gives a
 * store on an empty database; it is opened once for the whole suite and closed after it, so the
 * tests keep out of each other's way by making their own users and conversations.
 */
export function chatStoreContract(open: OpenStore): void {
  const fixture = useFixture(open);
  describe('users', () => usersContract(fixture));
  describe('conversations', () => conversationsContract(fixture));
  describe('membership', () => membershipContract(fixture));
  describe('messages', () => messagesContract(fixture));
  describe('cursors', () => cursorsContract(fixture));
  describe('unread', () => unreadContract(fixture));
  describe('concurrency', () => concurrencyContract(fixture));
  describe('nodes', () => nodesContract(fixture));
  describe('presence', () => presenceContract(fixture));
  describe('resume tokens', () => resumeTokensContract(fixture));
  describe('blocks', () => blocksContract(fixture));
  describe('membership limits', () => membershipLimitsContract(fixture));
}
