import type { ChatMessage } from '../../client/index.js';
import type { ConversationView, SessionView } from '../../protocol/index.js';
import type { ComposerAction } from './composer-reducer.js';
import type { Connection, Focus, Notice, Overlay, UserEntry } from './types.js';

/** Everything that changes the TUI's state: one union, handled by the slice reducers (state/slices/). */
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
  | { readonly type: 'overlay'; readonly overlay: Overlay }
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

/** Whole seconds from `now` to `at`, rounded up (a countdown that says 0 only when the time has come). */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** The messages of one action grouped by conversation, in order. */
export function byConversation(messages: readonly ChatMessage[]): Map<number, ChatMessage[]> {
  const groups = new Map<number, ChatMessage[]>();
  for (const m of messages) {
    const batch = groups.get(m.conversation);
    if (batch) batch.push(m);
    else groups.set(m.conversation, [m]);
  }
  return groups;
}
