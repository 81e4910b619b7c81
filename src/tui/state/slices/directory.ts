import type { ConversationView } from '../../../protocol/index.js';
import { byConversation, type Action } from '../actions.js';
import type { AppState, ConversationEntry, DirectorySlice } from '../types.js';

export const INITIAL_DIRECTORY: DirectorySlice = { users: {}, conversations: {} };

function entryOf(root: AppState, view: ConversationView, previous: ConversationEntry | undefined): ConversationEntry {
  const me = root.account.me.id;
  const memberIds = view.members.map((m) => m.user);
  const readSeq = Math.max(view.readSeq, view.joinedSeq, previous?.readSeq ?? 0);
  return {
    id: view.conversation,
    kind: view.kind,
    name: view.name,
    peer: view.kind === 'direct' ? (memberIds.find((id) => id !== me) ?? me) : undefined,
    memberIds,
    lastSeq: Math.max(view.lastSeq, previous?.lastSeq ?? 0),
    readSeq,
    left: view.leftSeq !== undefined,
    // The server counts only the others' messages (own ones are never unread); a push carries no count.
    unread: root.view.open === view.conversation ? 0 : (view.unread ?? previous?.unread ?? 0),
    lastActivity: previous?.lastActivity ?? 0,
  };
}

function withConversation(directory: DirectorySlice, id: number, change: (entry: ConversationEntry) => ConversationEntry): DirectorySlice {
  const entry = directory.conversations[id];
  return entry ? { ...directory, conversations: { ...directory.conversations, [id]: change(entry) } } : directory;
}

/** Users and conversations; `root` is the state before the action (who I am, what is open). */
export function directoryReducer(directory: DirectorySlice, action: Action, root: AppState): DirectorySlice {
  switch (action.type) {
    case 'users': {
      const users = { ...directory.users };
      for (const u of action.users) users[u.id] = u;
      return { ...directory, users };
    }
    case 'presence': {
      const user = directory.users[action.user];
      return user ? { ...directory, users: { ...directory.users, [action.user]: { ...user, online: action.online } } } : directory;
    }
    case 'conversations': {
      const conversations = { ...directory.conversations };
      for (const view of action.views) conversations[view.conversation] = entryOf(root, view, conversations[view.conversation]);
      return { ...directory, conversations };
    }
    case 'received': {
      let next = directory;
      for (const [id, batch] of byConversation(action.messages)) {
        const fromOthers = batch.filter((m) => m.from !== root.account.me.id && m.kind === 'message');
        const last = batch[batch.length - 1]!;
        next = withConversation(next, id, (current) => ({
          ...current,
          lastSeq: Math.max(current.lastSeq, last.seq),
          lastActivity: Math.max(current.lastActivity, last.ts),
          unread: root.view.open === id ? 0 : current.unread + fromOthers.filter((m) => m.seq > current.lastSeq).length,
        }));
      }
      return next;
    }
    case 'ownQueued':
      return withConversation(directory, action.conversation, (entry) => ({ ...entry, lastActivity: action.ts }));
    case 'open':
      return withConversation(directory, action.conversation, (entry) => ({ ...entry, unread: 0, readSeq: entry.lastSeq }));
    case 'left':
      return withConversation(directory, action.conversation, (entry) => ({ ...entry, left: true }));
    default:
      return directory;
  }
}
