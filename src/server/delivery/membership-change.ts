import { encodeOnce, GROUP_SIZE_MAX, GROUPS_PER_USER_MAX, type ConversationView } from '../../protocol/index.js';
import type { ConversationId, MemberRecord, MembershipChange, MembershipLimits, MessageRecord, UserId } from '../../store/chat-store.js';
import { RequestError } from '../errors.js';
import { forViewer, type ConversationMembers } from './memberships.js';
import type { ServerServices } from '../services.js';
import { toConversationView, toMemberView } from '../views.js';

/** How far groups may grow (protocol.md § Limits), checked by the store in the change's transaction. */
const MEMBERSHIP_LIMITS: MembershipLimits = { membersPerGroup: GROUP_SIZE_MAX, groupsPerUser: GROUPS_PER_USER_MAX };

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
    const event = await services.store.changeMembership(actorId, conversationId, change, MEMBERSHIP_LIMITS);
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
export async function createGroup(
  services: ServerServices,
  creatorId: UserId,
  name: string,
  memberIds: readonly UserId[],
): Promise<ConversationMembers> {
  const members = [...new Set(memberIds)].filter((id) => id !== creatorId);
  const entry = await services.writer.exclusive(async () => {
    const { conversation, events } = await services.store.createGroup(creatorId, name, members, MEMBERSHIP_LIMITS);
    const entry = await services.memberships.refresh(conversation.id);
    await services.fanout.messages(events);
    return entry;
  });
  if (!entry) throw new RequestError('internal', 'the new group could not be read back');
  pushViews(services, entry);
  services.cluster?.announce({ t: 'members', c: entry.conversation.id });
  return entry;
}

/**
 * Pushes a `conversation` view to every current member and to `also` (a user who just left). The
 * member list is the same in every current member's view: it is built and encoded once (encodeOnce),
 * not once per member — n views of n members cost a 1,000-member group ~0.6 s of the event loop per
 * change (docs/benchmarks.md § membership views).
 */
export function pushViews(services: ServerServices, entry: ConversationMembers, also: readonly UserId[] = []): void {
  const current = currentMembers(entry);
  const members = encodeOnce(current.map(toMemberView));
  const audience = new Set(current.map((m) => m.userId));
  for (const userId of also) audience.add(userId);
  for (const userId of audience) {
    const self = entry.members.get(userId);
    if (!self) continue;
    const view = toConversationView(forViewer({ conversation: entry.conversation, self, members: [] }));
    services.fanout.toUsers([userId], { t: 'conversation', ...view, members: self.leftSeq === null ? members : [] });
  }
}

/** The wire view of a cached conversation for one member. */
export function viewFor(entry: ConversationMembers, userId: UserId): ConversationView | undefined {
  const self = entry.members.get(userId);
  if (!self) return undefined;
  return toConversationView(forViewer({ conversation: entry.conversation, self, members: currentMembers(entry) }));
}

function currentMembers(entry: ConversationMembers): MemberRecord[] {
  return [...entry.members.values()].filter((m) => m.leftSeq === null);
}
