import type { Action } from './actions.js';
import { composerReducer } from './composer-reducer.js';
import { chatReducer, INITIAL_CHAT } from './slices/chat.js';
import { directoryReducer, INITIAL_DIRECTORY } from './slices/directory.js';
import { INITIAL_LINK, linkReducer } from './slices/link.js';
import { INITIAL_VIEW, viewReducer } from './slices/view.js';
import type { AccountSlice, AppState } from './types.js';

export type { Action } from './actions.js';
export { TYPING_TTL_MS } from './slices/chat.js';

export function createInitialState(me: AccountSlice['me'], server: string): AppState {
  return {
    account: { me, server },
    link: INITIAL_LINK,
    directory: INITIAL_DIRECTORY,
    chat: INITIAL_CHAT,
    view: INITIAL_VIEW,
    composer: { text: '', cursor: 0 },
  };
}

/**
 * The whole TUI's state transitions: each slice's reducer takes the action, reading the state before
 * it where it needs another slice. Pure, so every one is unit-tested without a terminal; a slice an
 * action does not touch keeps its identity, and the same state comes back when none changed, so
 * nothing that draws it is drawn again.
 */
export function appReducer(state: AppState, action: Action): AppState {
  const link = linkReducer(state.link, action);
  const directory = directoryReducer(state.directory, action, state);
  const chat = chatReducer(state.chat, action, state);
  const view = viewReducer(state.view, action, state);
  const composer = action.type === 'composer' ? composerReducer(state.composer, action.action) : state.composer;
  if (link === state.link && directory === state.directory && chat === state.chat && view === state.view && composer === state.composer) {
    return state;
  }
  return { account: state.account, link, directory, chat, view, composer };
}
