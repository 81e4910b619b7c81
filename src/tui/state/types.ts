import type { ChatMessage, Trust } from '../../client/index.js';
import type { SessionView } from '../../protocol/index.js';
import type { ComposerState } from './composer-reducer.js';

/** The pane that has the keyboard. */
export type Focus = 'contacts' | 'groups' | 'messages' | 'composer';

/** Where an own message is, as its sender sees it. */
export type DeliveryState = 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

/** A conversation row (direct or group) as the panes show it. */
export interface ConversationEntry {
  readonly id: number;
  readonly kind: 'direct' | 'group';
  /** The group's name; for a direct conversation, undefined (the peer's name is shown). */
  readonly name: string | undefined;
  /** The other person of a direct conversation. */
  readonly peer: number | undefined;
  readonly memberIds: readonly number[];
  readonly lastSeq: number;
  readonly readSeq: number;
  readonly left: boolean;
  /** Unread messages from others. */
  readonly unread: number;
  /** ms since the epoch of the latest message, for sorting by recent activity. */
  readonly lastActivity: number;
}

/** A user as the contacts pane shows them. */
export interface UserEntry {
  readonly id: number;
  readonly name: string;
  readonly online: boolean;
}

/** One message of a conversation as the messages pane shows it. */
export interface MessageItem {
  /** The client id: stable from the moment an own message is queued. */
  readonly cid: string;
  /** Undefined while an own message is not yet stored by the server. */
  readonly seq: number | undefined;
  readonly from: number;
  readonly kind: ChatMessage['kind'];
  readonly text: string | undefined;
  readonly ts: number;
  /** The send time signed inside the message, when there is one. */
  readonly sentAt?: number | undefined;
  readonly trust: Trust;
  readonly reason?: string | undefined;
  readonly subject?: number | undefined;
  /** Own messages only: queued until the server stores it, failed when it cannot be sent. */
  readonly pending?: 'queued' | 'failed';
  readonly error?: string;
}

/** A conversation's loaded messages. */
export interface MessageList {
  readonly items: readonly MessageItem[];
  /** Older rows may exist on the server before the first loaded one. */
  readonly hasOlder: boolean;
  readonly loadingOlder: boolean;
}

export type Overlay =
  | { readonly kind: 'none' }
  | { readonly kind: 'help' }
  | { readonly kind: 'switcher'; readonly query: string; readonly selected: number }
  | {
      readonly kind: 'search';
      readonly query: string;
      readonly editing: boolean;
      readonly hits: readonly string[];
      readonly index: number;
      readonly searching: boolean;
    }
  /** `/sessions`: the user's sessions (undefined while they load), one selected to end. */
  | { readonly kind: 'sessions'; readonly sessions: readonly SessionView[] | undefined; readonly selected: number }
  /** `/password`: the dialog keeps what is typed to itself, never in the app state. */
  | { readonly kind: 'password' };

/** `signedOut`: the session was ended from elsewhere (or the password changed); the client does not reconnect. */
export type Connection = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'signedOut';

/** While reconnecting: when the next attempt is, and whether the server said it was restarting. */
export interface Retry {
  /** ms since the epoch. */
  readonly at: number;
  /** The server closed with `shutting_down` (a restart), rather than the connection just breaking. */
  readonly restarting: boolean;
  /** Whole seconds to the next attempt as of the last tick (0: trying now). */
  readonly secondsLeft: number;
}

/** A line of feedback under the messages (command results and errors), never thrown. */
export interface Notice {
  readonly text: string;
  readonly level: 'info' | 'error' | 'warning';
}

/** Who is logged in, and where: set at login, never changed. */
export interface AccountSlice {
  readonly me: { readonly id: number; readonly name: string; readonly fingerprint: string };
  readonly server: string;
}

/** The connection and the work behind it, as the status bar shows them. */
export interface LinkSlice {
  readonly connection: Connection;
  /** Set while reconnecting. */
  readonly retry: Retry | undefined;
  readonly queued: number;
  /** Backlog rows still to decrypt, of `backlogTotal` at the last sync. */
  readonly backlog: number;
  readonly backlogTotal: number;
  readonly quitting: boolean;
}

/** Who there is to talk to: users and conversations, as the list panes show them. */
export interface DirectorySlice {
  readonly users: Readonly<Record<number, UserEntry>>;
  readonly conversations: Readonly<Record<number, ConversationEntry>>;
}

/** What was said: each conversation's loaded messages, the members' receipts, who is typing. */
export interface ChatSlice {
  readonly messages: Readonly<Record<number, MessageList>>;
  /** Per conversation, per other member: the highest seq delivered to and read by them. */
  readonly receipts: Readonly<Record<number, Readonly<Record<number, { readonly delivered: number; readonly read: number }>>>>;
  /** Per conversation, per user: when their typing indicator expires (ms since the epoch). */
  readonly typing: Readonly<Record<number, Readonly<Record<number, number>>>>;
}

/** Where the user is: the open conversation, focus, selections, scroll, overlay and notice. */
export interface ViewSlice {
  readonly open: number | undefined;
  readonly focus: Focus;
  /** The list pane Esc goes back to. */
  readonly lastList: 'contacts' | 'groups';
  readonly selection: { readonly contacts: number; readonly groups: number };
  /** Messages scrolled up from the newest (0: the newest is at the bottom). */
  readonly scroll: number;
  readonly overlay: Overlay;
  readonly notice: Notice | undefined;
}

/**
 * The TUI's state, in slices that change apart (state/slices/): a component selects the slices it
 * draws (useAppSelector), so a keystroke in the composer redraws the composer, not the panes.
 */
export interface AppState {
  readonly account: AccountSlice;
  readonly link: LinkSlice;
  readonly directory: DirectorySlice;
  readonly chat: ChatSlice;
  readonly view: ViewSlice;
  /** The message being written (composer-reducer.ts). */
  readonly composer: ComposerState;
}
