import { Text, useInput } from 'ink';
import { useRef } from 'react';
import { useAppActions } from '../contexts/AppActionsContext.js';
import { useAppState } from '../contexts/AppStateContext.js';
import { Command } from '../keys/keyBindings.js';
import { isText, matchCommand } from '../keys/keyMatchers.js';
import { outsidePaste, pastedLine, trackPaste } from '../keys/paste.js';
import { inert } from '../../util/inert-text.js';

/** Ctrl-F / `/search`: type the text, Enter searches (older pages load as needed), ↑/↓ jump between hits. */
export function SearchBar() {
  const state = useAppState();
  const { dispatch, actions } = useAppActions();
  const overlay = state.overlay.kind === 'search' ? state.overlay : undefined;
  const paste = useRef(outsidePaste());
  useInput(
    (input, key) => {
      if (!overlay) return;
      if (trackPaste(paste.current, input, key)) return;
      if (overlay.editing && paste.current.inside) {
        // Inside a paste, line ends are spaces (they do not start the search).
        const pasted = pastedLine(paste.current, input, key, ' ');
        if (pasted !== '') dispatch({ type: 'overlayQuery', edit: { append: pasted } });
        return;
      }
      if (overlay.editing) {
        const command = matchCommand([Command.Submit, Command.DeleteBack], input, key);
        if (command === Command.Submit && overlay.query.trim() !== '') {
          dispatch({ type: 'overlay', overlay: { ...overlay, editing: false, searching: true } });
          void actions.search(overlay.query.trim());
          return;
        }
        if (command === Command.DeleteBack) return dispatch({ type: 'overlayQuery', edit: { erase: true } });
        if (isText(input, key)) dispatch({ type: 'overlayQuery', edit: { append: input.replace(/[\r\n]/g, ' ') } });
        return;
      }
      const command = matchCommand([Command.PreviousHit, Command.NextHit], input, key);
      if (command === Command.PreviousHit) dispatch({ type: 'searchMove', by: -1 });
      if (command === Command.NextHit) dispatch({ type: 'searchMove', by: 1 });
    },
    { isActive: overlay !== undefined },
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
      <Text color="cyan" bold>{'search: '}</Text>
      {inert(overlay.query)}
      {overlay.editing ? <Text inverse> </Text> : null}
      <Text dimColor>{result}</Text>
    </Text>
  );
}
