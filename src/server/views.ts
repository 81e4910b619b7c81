import type { ConversationView, MemberView, MessageView, UserView } from '../protocol/index.js';
import type { MembershipRecord, MemberRecord, MessageRecord, UserRecord } from '../store/chat-store.js';

/** Store records as the protocol shows them (protocol.md § Shapes): `to…View` maps a `…Record` to a wire `…View`. */
export function toUserView(user: UserRecord, online: boolean): UserView {
  return {
    id: user.id,
    name: user.name,
    kind: user.kind,
    online,
    ...(online || !user.lastSeen ? {} : { lastSeen: user.lastSeen.getTime() }),
    ...(user.publicKey ? { publicKey: user.publicKey } : {}),
    ...(user.legacyKey ? { legacyKey: user.legacyKey } : {}),
    ...(user.keyProof ? { keyProof: user.keyProof } : {}),
  };
}

export function toMessageView(message: MessageRecord): MessageView {
  return {
    conversation: message.conversationId,
    seq: message.seq,
    mid: message.mid,
    from: message.senderId,
    cid: message.clientId,
    kind: message.kind,
    body: message.body,
    ...(message.subjectId === null ? {} : { subject: message.subjectId }),
    ts: message.createdAt.getTime(),
  };
}

/** A conversation for its viewer; `unread` when the store counted it (not for cached memberships). */
export function toConversationView(view: Omit<MembershipRecord, 'unread'> & { readonly unread?: number }): ConversationView {
  const { conversation, self, members } = view;
  return {
    conversation: conversation.id,
    kind: conversation.kind,
    ...(conversation.name === null ? {} : { name: conversation.name }),
    lastSeq: self.leftSeq ?? conversation.lastSeq,
    role: self.role,
    joinedSeq: self.joinedSeq,
    ...(self.leftSeq === null ? {} : { leftSeq: self.leftSeq }),
    deliveredSeq: self.deliveredSeq,
    readSeq: self.readSeq,
    ...(view.unread === undefined ? {} : { unread: view.unread }),
    members: members.map(toMemberView),
  };
}

/**
 * A current member with their cursors, so a sender's marks survive restarts (protocol.md § Shapes).
 * Zeros are left out: at most about 71 bytes of MessagePack a member (25 with none of joinedSeq
 * and the cursors), 71 KB for a 1,000-member group.
 */
export function toMemberView(member: MemberRecord): MemberView {
  return {
    user: member.userId,
    role: member.role,
    ...(member.joinedSeq === 0 ? {} : { joinedSeq: member.joinedSeq }),
    ...(member.deliveredSeq === 0 ? {} : { deliveredSeq: member.deliveredSeq }),
    ...(member.readSeq === 0 ? {} : { readSeq: member.readSeq }),
  };
}
