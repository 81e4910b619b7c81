import { afterAll, beforeAll } from 'vitest';
import type {
  ChatStore,
  ConversationId,
  ConversationRecord,
  MessageRecord,
  SendItem,
  SendOutcomeRecord,
  UserRecord,
} from '../../../src/store/chat-store.js';

/**
 * Moves a record back in time on the backend's own clock, so that a test of what happens once a node's
 * heartbeat or a token is old waits for no clock: a test that slept past a 150 ms timeout and then
 * needed the next heartbeat to be younger than it failed on a busy machine.
 */
export interface StoreClock {
  /** Makes the node's last heartbeat `ms` older. */
  ageNode(id: string, ms: number): Promise<void>;
  /** Makes the token's issue, last use and expiry `ms` earlier. */
  ageResumeToken(tokenHash: Uint8Array, ms: number): Promise<void>;
}

/** Opens the store under test, on an empty database, with its clock hook; the suite closes it when done. */
export type OpenStore = () => Promise<{ store: ChatStore; clock: StoreClock; kind: StoreKind }>;

/** Where the store under test keeps its data: the embedded PGlite or a PostgreSQL server. */
export type StoreKind = 'embedded' | 'postgres';

/**
 * One store shared by a whole contract run (opening PGlite takes seconds), and helpers that make
 * fresh users, conversations and client ids, so that tests never see each other's data.
 */
export interface Fixture {
  readonly store: ChatStore;
  readonly clock: StoreClock;
  readonly kind: StoreKind;
  /** A new modern user named `<label>-<n>`, unique in this run. */
  user(label?: string): Promise<UserRecord>;
  users(count: number, label?: string): Promise<UserRecord[]>;
  /** A group created by `creator` with `members`. */
  group(creator: UserRecord, members: readonly UserRecord[], name?: string): Promise<ConversationRecord>;
  direct(a: UserRecord, b: UserRecord): Promise<ConversationId>;
  /** A client id not used before in this run. */
  clientId(): string;
  item(sender: UserRecord, conversationId: ConversationId, text: string, clientId?: string): SendItem;
  /** Commits one message and returns its outcome. */
  send(sender: UserRecord, conversationId: ConversationId, text: string, clientId?: string): Promise<SendOutcomeRecord>;
  /** Every row of the conversation, ascending. */
  history(conversationId: ConversationId): Promise<MessageRecord[]>;
  lastSeq(conversationId: ConversationId): Promise<number>;
}

export function useFixture(open: OpenStore): Fixture {
  let store: ChatStore | undefined;
  let clock: StoreClock | undefined;
  let kind: StoreKind | undefined;
  let counter = 0;
  beforeAll(async () => {
    ({ store, clock, kind } = await open());
  });
  afterAll(async () => {
    await store?.close();
  });

  const fixture: Fixture = {
    get store(): ChatStore {
      if (store === undefined) throw new Error('the store is opened in beforeAll');
      return store;
    },
    get clock(): StoreClock {
      if (clock === undefined) throw new Error('the store is opened in beforeAll');
      return clock;
    },
    get kind(): StoreKind {
      if (kind === undefined) throw new Error('the store is opened in beforeAll');
      return kind;
    },
    user: (label = 'user') =>
      fixture.store.createUser({
        name: `${label}-${++counter}`,
        kind: 'modern',
        verifier: new Uint8Array([1, 2, 3, counter & 0xff]),
        salt: new Uint8Array([9, 8, 7]),
        kdf: 'scrypt:16384:8:1:32',
        publicKey: utf8(`key of ${label}-${counter}`),
      }),
    users: async (count, label) => {
      const made: UserRecord[] = [];
      for (let i = 0; i < count; i++) made.push(await fixture.user(label));
      return made;
    },
    group: async (creator, members, name = `group-${++counter}`) =>
      (
        await fixture.store.createGroup(
          creator.id,
          name,
          members.map((m) => m.id),
        )
      ).conversation,
    direct: (a, b) => fixture.store.directConversation(a.id, b.id),
    clientId: () => `cid-${++counter}`,
    item: (sender, conversationId, text, clientId = fixture.clientId()) => ({
      senderId: sender.id,
      conversationId,
      clientId,
      body: utf8(text),
    }),
    send: async (sender, conversationId, text, clientId) => {
      const [outcome] = await fixture.store.commitMessages([fixture.item(sender, conversationId, text, clientId)]);
      return outcome!;
    },
    history: (conversationId) => fixture.store.messagesAfter(conversationId, 0, null, 100_000),
    lastSeq: async (conversationId) => (await fixture.store.conversationMembers(conversationId))!.conversation.lastSeq,
  };
  return fixture;
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function text(message: MessageRecord): string {
  return new TextDecoder().decode(message.body);
}

/** The message of a stored or duplicate outcome; fails the test on `forbidden`. */
export function messageOf(outcome: SendOutcomeRecord | undefined): MessageRecord {
  if (outcome === undefined || outcome.status === 'forbidden') {
    throw new Error(`expected a message, got ${JSON.stringify(outcome)}`);
  }
  return outcome.message;
}

/** Members or users sorted by user id: the contract leaves their order open. */
export function byUser<T extends { userId: number } | { id: number }>(records: readonly T[] | undefined): T[] {
  const key = (r: T): number => ('userId' in r ? r.userId : r.id);
  return [...(records ?? [])].sort((x, y) => key(x) - key(y));
}

/** 1, 2, …, n. */
export function oneTo(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
