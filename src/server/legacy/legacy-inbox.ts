import { decodeLegacyBody } from '../../protocol/index.js';
import type { LegacyObject, MessageView } from '../../protocol/index.js';
import type { ConversationId, DeliveredMark, UserId } from '../../store/chat-store.js';
import { ConversationFeed } from '../delivery/conversation-feed.js';
import type { ClientSession } from '../session/client-session.js';
import type { ConversationMembers } from '../delivery/memberships.js';
import { onlineOf } from '../delivery/online.js';
import type { ServerServices } from '../services.js';
import { legacyKeyOf, legacyName } from './legacy-directory.js';

/** Rows read per page when gathering what a legacy user missed. */
const PAGE = 500;
/** Users listed at most in `Notifications.list` (the original client reads one recv of 40,000 bytes anyway). */
const LIST_MAX = 5000;

/** What one stored row means to a legacy user, if anything. */
type Meaning =
  | { readonly type: 'direct'; readonly sender: UserId; readonly text: string }
  | { readonly type: 'group'; readonly sender: UserId; readonly text: string; readonly group: ConversationId }
  | { readonly type: 'added'; readonly entry: ConversationMembers };

/**
 * Delivery to one logged-in legacy session, over the same rows, feeds and cursors as modern sessions
 * (docs/legacy.md § Delivery). `start_notifications` gathers everything after the user's delivered
 * cursor into one `Notifications` object and moves the cursor; then the session gets feeds like a
 * synced modern session, and each live row is translated (`inst-msg`, `grp-inst-msg`, `group_added`)
 * and marked delivered. Rows a legacy client cannot read (modern envelopes, copies for other members)
 * are passed over, but still count as delivered.
 */
export class LegacyInbox {
  /** Groups already announced to this session (a new group's `created` and `member_added` rows both mean "added"). */
  readonly #announced = new Set<ConversationId>();
  #chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly services: ServerServices,
    private readonly session: ClientSession,
    private readonly send: (object: LegacyObject) => void,
  ) {}

  get userId(): UserId {
    return this.session.requireUser().id;
  }

  /** Builds the `Notifications` object, marks what it reports delivered, and starts live delivery. */
  async start(): Promise<LegacyObject> {
    const { store, logger, deliveredCursors } = this.services;
    const me = this.userId;
    // What this node's sessions of the user were given live is written first, so not reported again.
    await deliveredCursors.flushed();
    const unread: string[][] = [];
    const groupUnread: string[][] = [];
    const newGroups: ConversationMembers[] = [];
    const views = await store.conversationsOf(me);
    const cursors = new Map<ConversationId, number>();
    const marks: DeliveredMark[] = [];
    for (const view of views) {
      const id = view.conversation.id;
      let cursor = Math.max(view.self.deliveredSeq, view.self.joinedSeq);
      for (;;) {
        const rows = await store.messagesAfter(id, cursor, view.self.leftSeq, PAGE);
        for (const row of rows) {
          const meaning = await this.#meaning({
            conversation: id,
            seq: row.seq,
            from: row.senderId,
            kind: row.kind,
            body: row.body,
            subject: row.subjectId,
          });
          if (meaning?.type === 'direct') unread.push([String(meaning.sender), meaning.text]);
          else if (meaning?.type === 'group') groupUnread.push([String(meaning.sender), meaning.text, String(meaning.group)]);
          else if (meaning?.type === 'added') newGroups.push(meaning.entry);
          cursor = row.seq;
        }
        if (rows.length < PAGE) break;
      }
      cursors.set(id, cursor);
      if (cursor > view.self.deliveredSeq) marks.push({ userId: me, conversationId: id, delivered: cursor });
      if (view.conversation.kind === 'group') this.#announced.add(id);
    }
    await store.advanceDelivered(marks);
    const notifications: LegacyObject = {
      'info-type': 'Notifications',
      unread,
      'grp-unread': groupUnread,
      new_group: newGroups.map((entry) => [entry.conversation.name ?? '', String(adminOf(entry) ?? '')]),
      new_group_list: newGroups.map((entry) => [String(entry.conversation.id), currentMembers(entry).map((m) => [String(m)])]),
      list: await this.#list(),
      group_list: views
        .filter((v) => v.conversation.kind === 'group' && v.self.leftSeq === null)
        .map((v) => [v.conversation.name ?? '', String(v.conversation.id)]),
    };
    // Feeds from where the notifications stopped: whatever commits from now on arrives live, once.
    this.session.feeds.clear();
    for (const view of views) {
      const feed = new ConversationFeed(view.conversation.id, cursors.get(view.conversation.id)!, view.self, store, this.session, logger);
      this.session.feeds.set(view.conversation.id, feed);
    }
    this.session.markSynced(new Map());
    // The caller writes the notifications first; the catch-up starts on a later turn.
    setImmediate(() => this.session.feeds.forEach((feed) => feed.catchUp()));
    return notifications;
  }

  /** `[[NAME, id], …]` for get-users: every user a legacy client can write to. */
  async users(): Promise<string[][]> {
    return (await this.#listed()).map((user) => [legacyName(user.name), String(user.id)]);
  }

  /** A row delivered live by a feed: translated in order, then marked delivered. */
  offer(row: MessageView): void {
    this.#chain = this.#chain
      .then(async () => {
        if (!this.session.open || !this.session.user) return;
        const meaning = await this.#meaning(row);
        if (meaning?.type === 'direct') this.send({ 'info-type': 'inst-msg', text: meaning.text, sender: String(meaning.sender) });
        else if (meaning?.type === 'group') {
          this.send({ 'info-type': 'grp-inst-msg', text: meaning.text, sender: String(meaning.sender), group_id: String(meaning.group) });
        } else if (meaning?.type === 'added') this.send(groupAdded(meaning.entry));
        this.services.deliveredCursors.mark(this.userId, row.conversation, row.seq);
      })
      .catch((error: unknown) =>
        this.services.logger.error('legacy delivery failed', { conversation: row.conversation, error: String(error) }),
      );
  }

  async #meaning(
    row: Pick<MessageView, 'conversation' | 'seq' | 'from' | 'kind' | 'body'> & { subject?: number | null | undefined },
  ): Promise<Meaning | undefined> {
    const me = this.userId;
    if (row.kind === 'message') {
      const body = decodeLegacyBody(row.body);
      if (!body || body.to !== me) return undefined;
      const entry = await this.services.memberships.get(row.conversation);
      if (!entry) return undefined;
      return entry.conversation.kind === 'direct'
        ? { type: 'direct', sender: row.from, text: body.text }
        : { type: 'group', sender: row.from, text: body.text, group: row.conversation };
    }
    const addedMe = row.kind === 'created' || (row.kind === 'member_added' && row.subject === me);
    if (!addedMe || this.#announced.has(row.conversation)) return undefined;
    this.#announced.add(row.conversation);
    // The membership as it is now: the original client was told the member list at creation.
    const entry = await this.services.memberships.get(row.conversation);
    return entry && entry.conversation.kind === 'group' ? { type: 'added', entry } : undefined;
  }

  async #list(): Promise<unknown[][]> {
    const users = await this.#listed();
    const online = await onlineOf(
      this.services,
      users.map((user) => user.id),
    );
    return users.map((user) => [legacyName(user.name), String(user.id), online(user.id), legacyKeyOf(user)!]);
  }

  async #listed() {
    const users = await this.services.store.listUsers({ limit: LIST_MAX });
    return users.filter((user) => user.legacyKey !== null);
  }
}

function currentMembers(entry: ConversationMembers): UserId[] {
  return [...entry.members.values()].filter((m) => m.leftSeq === null).map((m) => m.userId);
}

function adminOf(entry: ConversationMembers): UserId | undefined {
  return [...entry.members.values()].find((m) => m.role === 'admin' && m.leftSeq === null)?.userId;
}

function groupAdded(entry: ConversationMembers): LegacyObject {
  return {
    'info-type': 'group_added',
    group_name: entry.conversation.name ?? '',
    admin: String(adminOf(entry) ?? ''),
    group_id: String(entry.conversation.id),
    group_members: currentMembers(entry).map(String),
  };
}
