import { RequestError } from '../errors.js';
import type { ChatStore, ConversationId, ConversationRecord, MemberRecord, UserId } from '../../store/chat-store.js';

export interface ConversationMembers {
  readonly conversation: ConversationRecord;
  readonly members: ReadonlyMap<UserId, MemberRecord>;
}

/** Conversations cached at most; the least recently loaded are dropped first. */
const MAX_CACHED = 50_000;

/**
 * Who is in each conversation, cached from the store so that fan-out and authorization of typing
 * do not query per message. Every membership change on this node refreshes its entry (the writer runs
 * changes between batches, so fan-out never sees a stale entry for a change it follows).
 */
export class Memberships {
  readonly #cache = new Map<ConversationId, Promise<ConversationMembers | undefined>>();
  /** Direct conversation of each pair ("low:high" user ids): they never change once made. */
  readonly #directs = new Map<string, ConversationId>();

  constructor(private readonly store: ChatStore) {}

  get(conversationId: ConversationId): Promise<ConversationMembers | undefined> {
    let entry = this.#cache.get(conversationId);
    if (!entry) {
      entry = this.#load(conversationId);
      this.#cache.set(conversationId, entry);
      if (this.#cache.size > MAX_CACHED) this.#cache.delete(this.#cache.keys().next().value!);
    }
    return entry;
  }

  /** Forgets every cached entry (after cluster events may have been missed). */
  clear(): void {
    this.#cache.clear();
  }

  /** Reloads an entry after a change; resolves with the fresh state. */
  refresh(conversationId: ConversationId): Promise<ConversationMembers | undefined> {
    this.#cache.delete(conversationId);
    return this.get(conversationId);
  }

  /** The direct conversation of two users if this node has looked it up already (no query). */
  knownDirect(a: UserId, b: UserId): ConversationId | undefined {
    return this.#directs.get(a < b ? `${a}:${b}` : `${b}:${a}`);
  }

  /** The direct conversation of two users, made on first use. */
  async directConversation(a: UserId, b: UserId): Promise<ConversationId> {
    const key = a < b ? `${a}:${b}` : `${b}:${a}`;
    const known = this.#directs.get(key);
    if (known !== undefined) return known;
    const id = await this.store.directConversation(a, b);
    this.#directs.set(key, id);
    if (this.#directs.size > MAX_CACHED) this.#directs.delete(this.#directs.keys().next().value!);
    return id;
  }

  async #load(conversationId: ConversationId): Promise<ConversationMembers | undefined> {
    try {
      const found = await this.store.conversationMembers(conversationId);
      if (!found) {
        this.#cache.delete(conversationId);
        return undefined;
      }
      return { conversation: found.conversation, members: new Map(found.members.map((m) => [m.userId, m])) };
    } catch (error) {
      this.#cache.delete(conversationId);
      throw error;
    }
  }
}

/** True when `member` may see the message with this seq. */
export function canSee(member: MemberRecord, seq: number): boolean {
  return seq > member.joinedSeq && (member.leftSeq === null || seq <= member.leftSeq);
}

/** True when `member` is in the conversation now. */
export function isCurrent(member: MemberRecord | undefined): member is MemberRecord {
  return member !== undefined && member.leftSeq === null;
}

/**
 * The `forbidden` refusal of a user who is not (or no longer) in a conversation. It names the group
 * only to someone who was once in it, and by the name it had when they left (later renames are none
 * of their business); to anyone else, nothing about it.
 */
export async function notAMember(store: ChatStore, entry: ConversationMembers | undefined, userId: UserId): Promise<RequestError> {
  const known = entry?.members.has(userId)
    ? (await store.conversationsOf(userId)).find((v) => v.conversation.id === entry.conversation.id)
    : undefined;
  const name = known?.conversation.name;
  return new RequestError('forbidden', `you are not a member of ${name ? `#${name}` : 'this conversation'}`);
}

/** The `forbidden` refusal of a direct message (or of opening the conversation) to a user who blocked the sender. */
export async function blockedBy(store: ChatStore, blocker: UserId): Promise<RequestError> {
  const [user] = await store.usersById([blocker]);
  return new RequestError('forbidden', `${user?.name ?? 'that user'} does not take direct messages from you (they blocked you)`);
}

/**
 * A conversation as `viewer` may see it: a member who left or was removed gets no member list,
 * because who is in the group after they went is no longer theirs to know (as nothing sent after a
 * removal reaches them: protocol.md § Delivery, membership windows).
 */
export function forViewer<V extends { readonly self: MemberRecord; readonly members: readonly MemberRecord[] }>(view: V): V {
  return view.self.leftSeq === null ? view : { ...view, members: [] };
}
