import type { AppState, ChatSlice, ConversationEntry, DeliveryState, MessageItem, UserEntry } from './types.js';

/*
 * Each selector takes only the slices it reads, so a component that selected those slices (and not the
 * whole state) can call it: `userName({ account, directory }, id)`.
 */
type Directory = Pick<AppState, 'account' | 'directory'>;
type WithView = Pick<AppState, 'account' | 'directory' | 'view'>;
type WithChat = Pick<AppState, 'account' | 'directory' | 'chat'>;

/** A row of the contacts pane: a user, and their direct conversation once there is one. */
export interface ContactRow {
  readonly user: UserEntry;
  readonly conversation: ConversationEntry | undefined;
}

export function userName(state: Directory, id: number): string {
  if (id === state.account.me.id) return state.account.me.name;
  return state.directory.users[id]?.name ?? `user#${id}`;
}

/** The title of a conversation: `#group` or the other person's name. */
export function conversationTitle(state: Directory, conversation: ConversationEntry): string {
  if (conversation.kind === 'group') return `#${conversation.name ?? `group${conversation.id}`}`;
  return conversation.peer === undefined ? state.account.me.name : userName(state, conversation.peer);
}

/**
 * Why nothing can be written in the open conversation, or undefined when it can: a group the user
 * left or was removed from is closed to the composer (its messages stay readable).
 */
export function composeRefusal(state: WithView): string | undefined {
  const open = state.view.open === undefined ? undefined : state.directory.conversations[state.view.open];
  if (!open?.left) return undefined;
  return `you are no longer in ${conversationTitle(state, open)}: nothing can be sent there`;
}

/** Contacts: every known user but me, most recent activity first, then online, then by name. */
export function contactRows(state: Directory): ContactRow[] {
  const byPeer = new Map<number, ConversationEntry>();
  for (const c of Object.values(state.directory.conversations)) if (c.kind === 'direct' && c.peer !== undefined) byPeer.set(c.peer, c);
  const ids = new Set<number>([...Object.keys(state.directory.users).map(Number), ...byPeer.keys()]);
  ids.delete(state.account.me.id);
  return [...ids]
    .map((id) => ({ user: state.directory.users[id] ?? { id, name: `user#${id}`, online: false }, conversation: byPeer.get(id) }))
    .sort(
      (a, b) =>
        (b.conversation?.lastActivity ?? 0) - (a.conversation?.lastActivity ?? 0) ||
        Number(b.user.online) - Number(a.user.online) ||
        a.user.name.localeCompare(b.user.name),
    );
}

/** Groups the user is in, most recent activity first. */
export function groupRows(state: Pick<AppState, 'directory'>): ConversationEntry[] {
  return Object.values(state.directory.conversations)
    .filter((c) => c.kind === 'group' && !c.left)
    .sort((a, b) => b.lastActivity - a.lastActivity || (a.name ?? '').localeCompare(b.name ?? ''));
}

/** What the quick switcher offers: contacts and groups, with the label it matches on. */
export interface SwitchTarget {
  readonly label: string;
  readonly user?: number;
  readonly conversation?: number;
  readonly unread: number;
}

export function switchTargets(state: Directory): SwitchTarget[] {
  return [
    ...contactRows(state).map((r) => ({
      label: r.user.name,
      user: r.user.id,
      ...(r.conversation ? { conversation: r.conversation.id } : {}),
      unread: r.conversation?.unread ?? 0,
    })),
    ...groupRows(state).map((g) => ({ label: conversationTitle(state, g), conversation: g.id, unread: g.unread })),
  ];
}

/** The next conversation with unread messages after the open one (contacts, then groups). */
export function nextUnread(state: WithView): number | undefined {
  const order = [...contactRows(state).flatMap((r) => (r.conversation ? [r.conversation] : [])), ...groupRows(state)];
  const start = order.findIndex((c) => c.id === state.view.open);
  for (let i = 1; i <= order.length; i++) {
    const c = order[(start + i + order.length) % order.length]!;
    if (c.unread > 0 && c.id !== state.view.open) return c.id;
  }
  return undefined;
}

/**
 * The state of an own message: queued/failed locally, else sent (stored), delivered (every other
 * current member's client has it) or read (every other member read it).
 */
export function deliveryState(state: WithChat, conversation: number, item: MessageItem): DeliveryState {
  if (item.pending) return item.pending;
  const { members, cursors } = othersOf(state, conversation);
  const seq = item.seq ?? 0;
  if (members.length === 0) return 'sent';
  if (members.every((id) => (cursors[id]?.read ?? 0) >= seq)) return 'read';
  if (members.every((id) => (cursors[id]?.delivered ?? 0) >= seq)) return 'delivered';
  return 'sent';
}

/** How many of the other current members have read an own message, of how many (for groups). */
export function readCount(state: WithChat, conversation: number, item: MessageItem): { readonly read: number; readonly of: number } {
  const { members, cursors } = othersOf(state, conversation);
  const seq = item.seq ?? Number.MAX_SAFE_INTEGER;
  return { read: members.filter((id) => (cursors[id]?.read ?? 0) >= seq).length, of: members.length };
}

function othersOf(state: WithChat, conversation: number): { members: readonly number[]; cursors: ChatSlice['receipts'][number] } {
  const members = state.directory.conversations[conversation]?.memberIds.filter((id) => id !== state.account.me.id) ?? [];
  return { members, cursors: state.chat.receipts[conversation] ?? {} };
}

/**
 * Names of the people typing in a conversation now. The `tick` action (every 500 ms) drops notices that
 * expired, so rendering reads no clock.
 */
export function typingNames(state: WithChat, conversation: number): string[] {
  const typing = state.chat.typing[conversation] ?? {};
  return Object.keys(typing).flatMap((id) => (Number(id) !== state.account.me.id ? [userName(state, Number(id))] : []));
}
