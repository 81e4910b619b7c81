import type { ChatMessage } from '../../../client/index.js';
import { byConversation, type Action } from '../actions.js';
import { appendMessages, EMPTY_LIST, prependMessages, updateByCid } from '../message-list.js';
import { mergeReceipt, seedReceipts } from '../receipts.js';
import type { AppState, ChatSlice, MessageItem, MessageList } from '../types.js';

/** How long a typing indicator shows without a new `typing` push. */
export const TYPING_TTL_MS = 6000;

export const INITIAL_CHAT: ChatSlice = { messages: {}, receipts: {}, typing: {} };

/** A ChatMessage as a list item. */
export function toItem(message: ChatMessage): MessageItem {
  return {
    cid: message.cid,
    seq: message.seq,
    from: message.from,
    kind: message.kind,
    text: message.text,
    ts: message.ts,
    sentAt: message.sentAt,
    trust: message.trust,
    reason: message.reason,
    subject: message.subject,
  };
}

function withList(chat: ChatSlice, conversation: number, change: (list: MessageList) => MessageList): ChatSlice {
  return { ...chat, messages: { ...chat.messages, [conversation]: change(chat.messages[conversation] ?? EMPTY_LIST) } };
}

function received(chat: ChatSlice, messages: readonly ChatMessage[], me: number): ChatSlice {
  let next = chat;
  for (const [id, batch] of byConversation(messages)) {
    next = withList(next, id, (list) => appendMessages(list, batch.map(toItem)));
    // A message from someone ends their typing indicator.
    const typing = next.typing[id];
    const senders = batch.filter((m) => m.from !== me && m.kind === 'message').map((m) => m.from);
    if (typing && senders.some((from) => typing[from] !== undefined)) {
      const left = { ...typing };
      for (const from of senders) delete left[from];
      next = { ...next, typing: { ...next.typing, [id]: left } };
    }
  }
  return next;
}

function expireTyping(chat: ChatSlice, now: number): ChatSlice {
  let changed = false;
  const typing: Record<number, Record<number, number>> = {};
  for (const [c, users] of Object.entries(chat.typing)) {
    const live = Object.fromEntries(Object.entries(users).filter(([, until]) => until > now));
    if (Object.keys(live).length !== Object.keys(users).length) changed = true;
    typing[Number(c)] = live;
  }
  return changed ? { ...chat, typing } : chat;
}

/** Messages, receipts and typing; `root` is the state before the action. */
export function chatReducer(chat: ChatSlice, action: Action, root: AppState): ChatSlice {
  const me = root.account.me.id;
  switch (action.type) {
    case 'conversations':
      return { ...chat, receipts: seedReceipts(chat.receipts, action.views) };
    case 'received':
      return received(chat, action.messages, me);
    case 'olderRequested':
      return withList(chat, action.conversation, (list) => ({ ...list, loadingOlder: true }));
    case 'olderLoaded':
      return withList(chat, action.conversation, (list) => prependMessages(list, action.messages.map(toItem), action.hasOlder));
    case 'ownQueued': {
      const item: MessageItem = {
        cid: action.cid,
        seq: undefined,
        from: me,
        kind: 'message',
        text: action.text,
        ts: action.ts,
        trust: 'verified',
        pending: 'queued',
      };
      return withList(chat, action.conversation, (list) => appendMessages(list, [item]));
    }
    case 'ownSent':
      return withList(chat, action.conversation, (list) => {
        const found = list.items.find((m) => m.cid === action.cid);
        if (!found) return list;
        const { pending: _pending, ...rest } = found;
        return appendMessages(list, [{ ...rest, seq: action.seq, ts: action.ts }]);
      });
    case 'ownFailed': {
      for (const [id, list] of Object.entries(chat.messages)) {
        if (!list.items.some((m) => m.cid === action.cid)) continue;
        return withList(chat, Number(id), (l) => updateByCid(l, action.cid, (m) => ({ ...m, pending: 'failed', error: action.message })));
      }
      return chat;
    }
    case 'ownRetried':
      return withList(chat, action.conversation, (list) => ({ ...list, items: list.items.filter((m) => m.cid !== action.cid) }));
    case 'receipt': {
      const mine = { ...(chat.receipts[action.conversation] ?? {}) };
      mine[action.user] = mergeReceipt(mine[action.user], action.delivered, action.read);
      return { ...chat, receipts: { ...chat.receipts, [action.conversation]: mine } };
    }
    case 'typing':
      if (action.user === me) return chat;
      return {
        ...chat,
        typing: {
          ...chat.typing,
          [action.conversation]: { ...(chat.typing[action.conversation] ?? {}), [action.user]: action.now + TYPING_TTL_MS },
        },
      };
    case 'tick':
      return expireTyping(chat, action.now);
    default:
      return chat;
  }
}
