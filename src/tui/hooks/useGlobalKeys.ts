import type { ChatActions } from '../commands/types.js';
import { Command } from '../keys/keyBindings.js';
import { matchCommand } from '../keys/keyMatchers.js';
import type { Action } from '../state/app-reducer.js';
import { nextUnread } from '../state/selectors.js';
import type { AppState } from '../state/types.js';
import { useKeypress } from './useKeypress.js';

const GLOBAL = [
  Command.Quit,
  Command.Back,
  Command.QuickSwitcher,
  Command.NextUnread,
  Command.Search,
  Command.RetryFailed,
  Command.FocusNext,
  Command.FocusPrevious,
  Command.Help,
] as const;

/**
 * Keys that work whatever has the focus: quit, back, switcher, next unread, search, help, focus.
 * (`/` elsewhere starts a command in the composer: Composer.tsx takes it, with the rest of its burst.)
 */
export function useGlobalKeys(getState: () => AppState, dispatch: (action: Action) => void, actions: ChatActions): void {
  useKeypress((input, key) => {
    // The state of the moment, not of the last frame: a key right after another acts on what it follows.
    const state = getState();
    const idle = state.view.overlay.kind === 'none';
    const command = matchCommand(GLOBAL, input, key);
    switch (command) {
      case Command.Quit:
        return actions.quit();
      case Command.Back:
        return dispatch({ type: 'back' });
      case Command.QuickSwitcher:
        return dispatch({ type: 'overlay', overlay: { kind: 'switcher', query: '', selected: 0 } });
      case Command.NextUnread: {
        const next = nextUnread(state);
        return next === undefined ? actions.info('no unread messages') : actions.openConversation(next);
      }
      case Command.Search:
        if (state.view.open === undefined) return actions.error('open a conversation to search it');
        return dispatch({ type: 'overlay', overlay: { kind: 'search', query: '', editing: true, hits: [], index: 0, searching: false } });
      case Command.RetryFailed:
        return void actions.retryFailed();
      case Command.FocusNext:
      case Command.FocusPrevious:
        if (idle) dispatch({ type: 'focusStep', by: command === Command.FocusNext ? 1 : -1 });
        return;
      case Command.Help:
        // In the composer `?` is text; elsewhere it opens (and closes) the help.
        if (state.view.overlay.kind === 'help') return dispatch({ type: 'overlay', overlay: { kind: 'none' } });
        if (idle && state.view.focus !== 'composer') dispatch({ type: 'overlay', overlay: { kind: 'help' } });
        return;
      default:
        return;
    }
  });
}
