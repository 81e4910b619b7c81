import { Text } from 'ink';
import { useRef } from 'react';
import { useAppActions } from '../contexts/AppActionsContext.js';
import { useView } from '../contexts/AppStoreContext.js';
import { eachKey } from '../keys/burst.js';
import { Command } from '../keys/keyBindings.js';
import { isText, matchCommand } from '../keys/keyMatchers.js';
import { outsidePaste, pastedLine, trackPaste } from '../keys/paste.js';
import { inert } from '../../util/inert-text.js';
import { useKeypress } from '../hooks/useKeypress.js';
import { theme } from '../theme.js';

/** Ctrl-F / `/search`: type the text, Enter searches (older pages load as needed), ↑/↓ jump between hits. */
export function SearchBar() {
  const state = { view: useView() };
  const { dispatch, actions, getState } = useAppActions();
  const overlay = state.view.overlay.kind === 'search' ? state.view.overlay : undefined;
  const paste = useRef(outsidePaste());
  // Each key reads the search as the key before left it (getState), not as last drawn: "needle" and
  // Enter in quick succession search for "needle" even before the frame shows it.
  useKeypress((burst, burstKey) =>
    eachKey(burst, burstKey, (input, key) => {
      // Paste markers are followed while closed too, so a paste's end is never missed.
      if (trackPaste(paste.current, input, key)) return;
      const current = getState().view.overlay;
      if (current.kind !== 'search') return;
      if (current.editing && paste.current.inside) {
        // Inside a paste, line ends are spaces (they do not start the search).
        const pasted = pastedLine(paste.current, input, key, ' ');
        if (pasted !== '') dispatch({ type: 'overlayQuery', edit: { append: pasted } });
        return;
      }
      if (current.editing) {
        const command = matchCommand([Command.Submit, Command.DeleteBack], input, key);
        if (command === Command.Submit && current.query.trim() !== '') {
          dispatch({ type: 'overlay', overlay: { ...current, editing: false, searching: true } });
          void actions.search(current.query.trim());
          return;
        }
        if (command === Command.DeleteBack) return dispatch({ type: 'overlayQuery', edit: { erase: true } });
        if (isText(input, key)) dispatch({ type: 'overlayQuery', edit: { append: input } });
        return;
      }
      const command = matchCommand([Command.PreviousHit, Command.NextHit], input, key);
      if (command === Command.PreviousHit) dispatch({ type: 'searchMove', by: -1 });
      if (command === Command.NextHit) dispatch({ type: 'searchMove', by: 1 });
    }),
  );
  if (!overlay) return null;
  const result = overlay.searching
    ? ' searching…'
    : overlay.editing
      ? ''
      : overlay.hits.length === 0
        ? ' no match'
        : ` hit ${overlay.index + 1} of ${overlay.hits.length} (↑/↓ move, Esc closes)`;
  return (
    <Text wrap="truncate-end">
      <Text color={theme.accent} bold>
        {'search: '}
      </Text>
      {inert(overlay.query)}
      {overlay.editing ? <Text inverse> </Text> : null}
      <Text dimColor>{result}</Text>
    </Text>
  );
}
