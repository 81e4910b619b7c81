import type { ConversationView as WireConversation } from '../protocol/index.js';
import type { ConversationId, MembershipChange, MessageRecord, UserId } from '../store/chat-store.js';
import { RequestError } from './errors.js';
import { forViewer, type ConversationMembers } from './memberships.js';
import type { ServerServices } from './services.js';
import { conversationView } from './views.js';

/**
 * Applies a membership change through the writer (between message batches), refreshes the cached
 * membership, delivers the event it wrote, and pushes each affected user their new view of the
 * conversation. Returns the event.
 */
export async function changeMembership(
  services: ServerServices,
  actorId: UserId,
  conversationId: ConversationId,
  change: MembershipChange,
): Promise<MessageRecord> {
  const { event, entry } = await services.writer.exclusive(async () => {
    const event = await services.store.changeMembership(actorId, conversationId, change);
    const entry = await services.memberships.refresh(conversationId);
    await services.fanout.messages([event]);
    return { event, entry };
  });
  if (entry) pushViews(services, entry, event.subjectId === null ? [] : [event.subjectId]);
  services.cluster?.announce({ t: 'members', c: conversationId, ...(event.subjectId === null ? {} : { s: event.subjectId }) });
  return event;
}

/**
 * Creates a group with `creatorId` as admin (for both protocols): through the writer, between message
 * batches; delivers its events and pushes every member their view. Returns the new membership.
 */
export async function createGroup(services: ServerServices, creatorId: UserId, name: string, memberIds: readonly UserId[]): Promise<ConversationMembers> {
  const members = [...new Set(memberIds)].filter((id) => id !== creatorId);
  const entry = await services.writer.exclusive(async () => {
    const { conversation, events } = await services.store.createGroup(creatorId, name, members);
    const entry = await services.memberships.refresh(conversation.id);
    await services.fanout.messages(events);
    return entry;
  });
  if (!entry) throw new RequestError('internal', 'the new group could not be read back');
  pushViews(services, entry);
  services.cluster?.announce({ t: 'members', c: entry.conversation.id });
  return entry;
}

/** Pushes a `conversation` view to every current member and to `also` (a user who just left). */
export function pushViews(services: ServerServices, entry: ConversationMembers, also: readonly UserId[] = []): void {
  const audience = new Set([...entry.members.values()].filter((m) => m.leftSeq === null).map((m) => m.userId));
  for (const userId of also) audience.add(userId);
  for (const userId of audience) {
    const view = viewFor(entry, userId);
    if (view) services.fanout.toUsers([userId], { t: 'conversation', ...view });
  }
}

/** The wire view of a cached conversation for one member. */
export function viewFor(entry: ConversationMembers, userId: UserId): WireConversation | undefined {
  const self = entry.members.get(userId);
  if (!self) return undefined;
  const members = [...entry.members.values()].filter((m) => m.leftSeq === null);
  return conversationView(forViewer({ conversation: entry.conversation, self, members }));
}
