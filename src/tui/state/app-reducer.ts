import type { ChatMessage } from '../../client/index.js';
import type { ConversationView, SessionView } from '../../protocol/index.js';
import { composerReducer, type ComposerAction } from './composer-reducer.js';
import { appendMessages, EMPTY_LIST, prependMessages, updateByCid } from './message-list.js';
import { mergeReceipt, seedReceipts } from './receipts.js';
import { contactRows, groupRows } from './selectors.js';
import type { AppState, Connection, ConversationEntry, Focus, MessageItem, Notice, UserEntry } from './types.js';

/** How long a typing indicator shows without a new `typing` push. */
export const TYPING_TTL_MS = 6000;

const FOCUS_ORDER: readonly Focus[] = ['contacts', 'groups', 'messages', 'composer'];

export type Action =
  | {
      readonly type: 'status';
      readonly connection: Connection;
      readonly retry?: { readonly at: number; readonly restarting: boolean };
      readonly now?: number;
    }
  | { readonly type: 'queued'; readonly count: number }
  | { readonly type: 'backlog'; readonly count: number; readonly total?: number }
  | { readonly type: 'users'; readonly users: readonly UserEntry[] }
  | { readonly type: 'presence'; readonly user: number; readonly online: boolean }
  | { readonly type: 'conversations'; readonly views: readonly ConversationView[] }
  | { readonly type: 'received'; readonly messages: readonly ChatMessage[] }
  | { readonly type: 'olderRequested'; readonly conversation: number }
  | { readonly type: 'olderLoaded'; readonly conversation: number; readonly messages: readonly ChatMessage[]; readonly hasOlder: boolean }
  | { readonly type: 'ownQueued'; readonly conversation: number; readonly cid: string; readonly text: string; readonly ts: number }
  | { readonly type: 'ownSent'; readonly cid: string; readonly conversation: number; readonly seq: number; readonly ts: number }
  | { readonly type: 'ownFailed'; readonly cid: string; readonly message: string }
  | { readonly type: 'ownRetried'; readonly conversation: number; readonly cid: string }
  | { readonly type: 'receipt'; readonly conversation: number; readonly user: number; readonly delivered: number; readonly read: number }
  | { readonly type: 'typing'; readonly conversation: number; readonly user: number; readonly now: number }
  | { readonly type: 'tick'; readonly now: number }
  | { readonly type: 'focus'; readonly to: Focus }
  | { readonly type: 'focusStep'; readonly by: 1 | -1 }
  | { readonly type: 'select'; readonly pane: 'contacts' | 'groups'; readonly by: number }
  | { readonly type: 'open'; readonly conversation: number }
  | { readonly type: 'back' }
  | { readonly type: 'scroll'; readonly by: number }
  | { readonly type: 'scrollTo'; readonly where: 'top' | 'bottom' }
  | { readonly type: 'composer'; readonly action: ComposerAction }
  | { readonly type: 'overlay'; readonly overlay: AppState['overlay'] }
  /** ↑/↓ in the switcher's or the sessions' list. */
  | { readonly type: 'overlayMove'; readonly by: number }
  | { readonly type: 'sessionsLoaded'; readonly sessions: readonly SessionView[] }
  /** Typing in the switcher's or the search's query: applied to the state of the moment, so keys that come faster than renders all count. */
  | { readonly type: 'overlayQuery'; readonly edit: { readonly append: string } | { readonly erase: true } }
  | { readonly type: 'searchResults'; readonly hits: readonly string[] }
  | { readonly type: 'searchMove'; readonly by: number }
  | { readonly type: 'notice'; readonly notice: Notice | undefined }
  /** The user left a group (the server's own `conversation` push says so too, later). */
  | { readonly type: 'left'; readonly conversation: number }
  | { readonly type: 'quit' };

export function createInitialState(me: AppState['me'], server: string): AppState {
  return {
    me,
    server,
    connection: 'connecting',
    retry: undefined,
    queued: 0,
    backlog: 0,
    backlogTotal: 0,
    users: {},
    conversations: {},
    messages: {},
    receipts: {},
    typing: {},
    open: undefined,
    focus: 'contacts',
    lastList: 'contacts',
    selection: { contacts: 0, groups: 0 },
    scroll: 0,
    composer: { text: '', cursor: 0 },
    overlay: { kind: 'none' },
    notice: undefined,
    quitting: false,
  };
}

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

function entryOf(state: AppState, view: ConversationView, previous: ConversationEntry | undefined): ConversationEntry {
  const memberIds = view.members.map((m) => m.user);
  const readSeq = Math.max(view.readSeq, view.joinedSeq, previous?.readSeq ?? 0);
  return {
    id: view.conversation,
    kind: view.kind,
    name: view.name,
    peer: view.kind === 'direct' ? (memberIds.find((id) => id !== state.me.id) ?? state.me.id) : undefined,
    memberIds,
    lastSeq: Math.max(view.lastSeq, previous?.lastSeq ?? 0),
    readSeq,
    left: view.leftSeq !== undefined,
    // The server counts only the others' messages (own ones are never unread); a push carries no count.
    unread: state.open === view.conversation ? 0 : (view.unread ?? previous?.unread ?? 0),
    lastActivity: previous?.lastActivity ?? 0,
  };
}

function withList(
  state: AppState,
  conversation: number,
  change: (list: AppState['messages'][number]) => AppState['messages'][number],
): AppState {
  return { ...state, messages: { ...state.messages, [conversation]: change(state.messages[conversation] ?? EMPTY_LIST) } };
}

function received(state: AppState, messages: readonly ChatMessage[]): AppState {
  const byConversation = new Map<number, ChatMessage[]>();
  for (const m of messages) {
    const batch = byConversation.get(m.conversation);
    if (batch) batch.push(m);
    else byConversation.set(m.conversation, [m]);
  }
  let next = state;
  for (const [id, batch] of byConversation) {
    next = withList(next, id, (list) => appendMessages(list, batch.map(toItem)));
    const fromOthers = batch.filter((m) => m.from !== state.me.id && m.kind === 'message');
    const last = batch[batch.length - 1]!;
    const current = next.conversations[id];
    if (current) {
      const isOpen = next.open === id;
      const conversation: ConversationEntry = {
        ...current,
        lastSeq: Math.max(current.lastSeq, last.seq),
        lastActivity: Math.max(current.lastActivity, last.ts),
        unread: isOpen ? 0 : current.unread + fromOthers.filter((m) => m.seq > current.lastSeq).length,
      };
      next = { ...next, conversations: { ...next.conversations, [id]: conversation } };
    }
    // Keep the view where it is when the user has scrolled up in the open conversation.
    if (next.open === id && next.scroll > 0) next = { ...next, scroll: next.scroll + batch.length };
    const typing = next.typing[id];
    if (typing && fromOthers.some((m) => typing[m.from] !== undefined)) {
      const left = { ...typing };
      for (const m of fromOthers) delete left[m.from];
      next = { ...next, typing: { ...next.typing, [id]: left } };
    }
  }
  return next;
}

function open(state: AppState, conversation: number): AppState {
  const entry = state.conversations[conversation];
  const conversations = entry
    ? { ...state.conversations, [conversation]: { ...entry, unread: 0, readSeq: entry.lastSeq } }
    : state.conversations;
  const lastList = entry?.kind === 'group' ? 'groups' : 'contacts';
  let selection = state.selection;
  if (entry) {
    const next = { ...state, conversations };
    const index =
      lastList === 'groups'
        ? groupRows(next).findIndex((g) => g.id === conversation)
        : contactRows(next).findIndex((r) => r.conversation?.id === conversation);
    if (index >= 0) selection = { ...selection, [lastList]: index };
  }
  return { ...state, conversations, open: conversation, focus: 'composer', lastList, selection, scroll: 0, overlay: { kind: 'none' } };
}

function scrollToHit(state: AppState, hits: readonly string[], index: number): number {
  const items = state.open === undefined ? [] : (state.messages[state.open]?.items ?? []);
  const at = items.findIndex((m) => m.cid === hits[index]);
  return at < 0 ? state.scroll : items.length - 1 - at;
}

/** Whole seconds from `now` to `at`, rounded up (a countdown that says 0 only when the time has come). */
function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** The whole TUI's state transitions: pure, so every one is unit-tested without a terminal. */
export function appReducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'left': {
      const entry = state.conversations[action.conversation];
      return entry ? { ...state, conversations: { ...state.conversations, [action.conversation]: { ...entry, left: true } } } : state;
    }
    case 'status': {
      const retry = action.retry && { ...action.retry, secondsLeft: secondsUntil(action.retry.at, action.now ?? action.retry.at) };
      return { ...state, connection: action.connection, retry };
    }
    case 'queued':
      return { ...state, queued: action.count };
    case 'backlog':
      // Nothing left: the counter clears. Otherwise it counts down from the sync's total.
      return { ...state, backlog: action.count, backlogTotal: action.count === 0 ? 0 : Math.max(action.total ?? 0, action.count) };
    case 'users': {
      const users = { ...state.users };
      for (const u of action.users) users[u.id] = u;
      return { ...state, users };
    }
    case 'presence': {
      const user = state.users[action.user];
      return user ? { ...state, users: { ...state.users, [action.user]: { ...user, online: action.online } } } : state;
    }
    case 'conversations': {
      const conversations = { ...state.conversations };
      for (const view of action.views) conversations[view.conversation] = entryOf(state, view, conversations[view.conversation]);
      return { ...state, conversations, receipts: seedReceipts(state.receipts, action.views) };
    }
    case 'received':
      return received(state, action.messages);
    case 'olderRequested':
      return withList(state, action.conversation, (list) => ({ ...list, loadingOlder: true }));
    case 'olderLoaded':
      return withList(state, action.conversation, (list) => prependMessages(list, action.messages.map(toItem), action.hasOlder));
    case 'ownQueued': {
      const item: MessageItem = {
        cid: action.cid,
        seq: undefined,
        from: state.me.id,
        kind: 'message',
        text: action.text,
        ts: action.ts,
        trust: 'verified',
        pending: 'queued',
      };
      const next = withList(state, action.conversation, (list) => appendMessages(list, [item]));
      const entry = next.conversations[action.conversation];
      return entry
        ? { ...next, conversations: { ...next.conversations, [action.conversation]: { ...entry, lastActivity: action.ts } } }
        : next;
    }
    case 'ownSent':
      return withList(state, action.conversation, (list) => {
        const found = list.items.find((m) => m.cid === action.cid);
        if (!found) return list;
        const { pending: _pending, ...rest } = found;
        return appendMessages(list, [{ ...rest, seq: action.seq, ts: action.ts }]);
      });
    case 'ownFailed': {
      for (const [id, list] of Object.entries(state.messages)) {
        if (!list.items.some((m) => m.cid === action.cid)) continue;
        return withList(state, Number(id), (l) => updateByCid(l, action.cid, (m) => ({ ...m, pending: 'failed', error: action.message })));
      }
      return state;
    }
    case 'ownRetried':
      return withList(state, action.conversation, (list) => ({ ...list, items: list.items.filter((m) => m.cid !== action.cid) }));
    case 'receipt': {
      const mine = { ...(state.receipts[action.conversation] ?? {}) };
      mine[action.user] = mergeReceipt(mine[action.user], action.delivered, action.read);
      return { ...state, receipts: { ...state.receipts, [action.conversation]: mine } };
    }
    case 'typing':
      if (action.user === state.me.id) return state;
      return {
        ...state,
        typing: {
          ...state.typing,
          [action.conversation]: { ...(state.typing[action.conversation] ?? {}), [action.user]: action.now + TYPING_TTL_MS },
        },
      };
    case 'tick': {
      let changed = false;
      const typing: Record<number, Record<number, number>> = {};
      for (const [c, users] of Object.entries(state.typing)) {
        const live = Object.fromEntries(Object.entries(users).filter(([, until]) => until > action.now));
        if (Object.keys(live).length !== Object.keys(users).length) changed = true;
        typing[Number(c)] = live;
      }
      const secondsLeft = state.retry ? secondsUntil(state.retry.at, action.now) : 0;
      const retry = state.retry && secondsLeft !== state.retry.secondsLeft ? { ...state.retry, secondsLeft } : state.retry;
      return changed || retry !== state.retry ? { ...state, typing, retry } : state;
    }
    case 'focus':
      return { ...state, focus: action.to, lastList: action.to === 'contacts' || action.to === 'groups' ? action.to : state.lastList };
    case 'focusStep': {
      const to = FOCUS_ORDER[(FOCUS_ORDER.indexOf(state.focus) + action.by + FOCUS_ORDER.length) % FOCUS_ORDER.length]!;
      return appReducer(state, { type: 'focus', to });
    }
    case 'select': {
      const count = action.pane === 'contacts' ? contactRows(state).length : groupRows(state).length;
      const at = Math.max(0, Math.min(count - 1, state.selection[action.pane] + action.by));
      return { ...state, selection: { ...state.selection, [action.pane]: at } };
    }
    case 'open':
      return open(state, action.conversation);
    case 'back':
      if (state.overlay.kind !== 'none') return { ...state, overlay: { kind: 'none' } };
      if (state.notice) return { ...state, notice: undefined };
      if (state.focus === 'composer' || state.focus === 'messages') return { ...state, focus: state.lastList };
      return state;
    case 'scroll': {
      const total = state.open === undefined ? 0 : (state.messages[state.open]?.items.length ?? 0);
      return { ...state, scroll: Math.max(0, Math.min(Math.max(0, total - 1), state.scroll + action.by)) };
    }
    case 'scrollTo': {
      const total = state.open === undefined ? 0 : (state.messages[state.open]?.items.length ?? 0);
      return { ...state, scroll: action.where === 'bottom' ? 0 : Math.max(0, total - 1) };
    }
    case 'composer':
      return { ...state, composer: composerReducer(state.composer, action.action) };
    case 'overlay':
      return { ...state, overlay: action.overlay };
    case 'overlayQuery': {
      const overlay = state.overlay;
      if (overlay.kind !== 'switcher' && overlay.kind !== 'search') return state;
      const query = 'erase' in action.edit ? overlay.query.slice(0, -1) : overlay.query + action.edit.append;
      return { ...state, overlay: overlay.kind === 'switcher' ? { ...overlay, query, selected: 0 } : { ...overlay, query } };
    }
    case 'overlayMove': {
      const overlay = state.overlay;
      if (overlay.kind === 'switcher') return { ...state, overlay: { ...overlay, selected: Math.max(0, overlay.selected + action.by) } };
      if (overlay.kind !== 'sessions') return state;
      const last = Math.max(0, (overlay.sessions?.length ?? 0) - 1);
      return { ...state, overlay: { ...overlay, selected: Math.max(0, Math.min(last, overlay.selected + action.by)) } };
    }
    case 'sessionsLoaded': {
      // Only into an open sessions list: a list that comes after Esc does not open it again.
      if (state.overlay.kind !== 'sessions') return state;
      const selected = Math.min(state.overlay.selected, Math.max(0, action.sessions.length - 1));
      return { ...state, overlay: { kind: 'sessions', sessions: action.sessions, selected } };
    }
    case 'searchResults': {
      if (state.overlay.kind !== 'search') return state;
      const index = action.hits.length - 1;
      return {
        ...state,
        overlay: { ...state.overlay, hits: action.hits, index, searching: false, editing: false },
        scroll: scrollToHit(state, action.hits, index),
      };
    }
    case 'searchMove': {
      if (state.overlay.kind !== 'search' || state.overlay.hits.length === 0) return state;
      const n = state.overlay.hits.length;
      const index = (state.overlay.index + action.by + n) % n;
      return { ...state, overlay: { ...state.overlay, index }, scroll: scrollToHit(state, state.overlay.hits, index) };
    }
    case 'notice':
      return { ...state, notice: action.notice };
    case 'quit':
      return { ...state, quitting: true };
    default: {
      const unreachable: never = action;
      return unreachable;
    }
  }
}
