import type { ConversationView as WireConversation, MessageView, UserView } from '../protocol/index.js';
import type { ConversationView, MessageRecord, UserRecord } from '../store/chat-store.js';

/** Store records as the protocol shows them (protocol.md § Shapes). */

export function userView(user: UserRecord, online: boolean): UserView {
  return {
    id: user.id,
    name: user.name,
    kind: user.kind,
    online,
    ...(online || !user.lastSeen ? {} : { lastSeen: user.lastSeen.getTime() }),
    ...(user.publicKey ? { publicKey: user.publicKey } : {}),
    ...(user.legacyKey ? { legacyKey: user.legacyKey } : {}),
  };
}

export function messageView(message: MessageRecord): MessageView {
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

export function conversationView(view: ConversationView): WireConversation {
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
    members: members.map((m) => ({ user: m.userId, role: m.role })),
  };
}
