import { Box, Text, type Key } from 'ink';
import { useRef } from 'react';
import { useAppActions } from '../contexts/AppActionsContext.js';
import { useAccount, useDirectory, useView } from '../contexts/AppStoreContext.js';
import { eachKey } from '../keys/burst.js';
import { Command } from '../keys/keyBindings.js';
import { isText, matchCommand } from '../keys/keyMatchers.js';
import { outsidePaste, pastedLine, trackPaste } from '../keys/paste.js';
import { fuzzyFilter } from '../state/fuzzy.js';
import { switchTargets } from '../state/selectors.js';
import { inert } from '../../util/inert-text.js';
import { useKeypress } from '../hooks/useKeypress.js';
import { theme } from '../theme.js';

const SHOWN = 10;

/** Ctrl-K: type part of a name (fuzzy), pick with ↑/↓, Enter opens. */
export function QuickSwitcher({ width }: { readonly width: number }) {
  const state = { account: useAccount(), directory: useDirectory(), view: useView() };
  const { dispatch, actions } = useAppActions();
  const overlay = state.view.overlay.kind === 'switcher' ? state.view.overlay : { query: '', selected: 0 };
  const matches = fuzzyFilter(overlay.query, switchTargets(state), (t) => t.label);
  const selected = Math.min(overlay.selected, Math.max(0, matches.length - 1));
  const onKey = (input: string, key: Key) => {
    const command = matchCommand([Command.SelectPrevious, Command.SelectNext, Command.Open, Command.DeleteBack], input, key);
    if (command === Command.SelectPrevious) return dispatch({ type: 'overlayMove', by: -1 });
    if (command === Command.SelectNext) return dispatch({ type: 'overlayMove', by: matches.length - 1 > selected ? 1 : 0 });
    if (command === Command.DeleteBack) return dispatch({ type: 'overlayQuery', edit: { erase: true } });
    if (command === Command.Open) {
      const target = matches[selected];
      if (!target) return;
      if (target.conversation !== undefined) actions.openConversation(target.conversation);
      else if (target.user !== undefined)
        void actions.openUser(target.user).catch((error: unknown) => actions.error(error instanceof Error ? error.message : String(error)));
      return;
    }
    if (isText(input, key)) dispatch({ type: 'overlayQuery', edit: { append: input } });
  };
  // Inside a paste, line ends are dropped (they do not open the first match); outside one, a burst's
  // Enter and Tab act where they fall.
  const paste = useRef(outsidePaste());
  useKeypress((burst, burstKey) => {
    if (trackPaste(paste.current, burst, burstKey)) return;
    if (paste.current.inside) {
      const pasted = pastedLine(paste.current, burst, burstKey);
      if (pasted !== '') dispatch({ type: 'overlayQuery', edit: { append: pasted } });
      return;
    }
    eachKey(burst, burstKey, onKey);
  });
  return (
    <Box flexDirection="column" width={Math.min(width, 60)} borderStyle="double" borderColor={theme.accent} paddingX={1}>
      <Text bold color={theme.accent}>
        Switch to… (type to filter, Enter opens, Esc closes)
      </Text>
      <Text>
        <Text color={theme.accent}>{'> '}</Text>
        {overlay.query}
        <Text inverse> </Text>
      </Text>
      {matches.length === 0 && <Text dimColor>no match</Text>}
      {matches.slice(0, SHOWN).map((t, i) => (
        <Text key={`${t.label}:${t.conversation ?? ''}:${t.user ?? ''}`} inverse={i === selected} wrap="truncate-end">
          {inert(t.label)}
          {t.unread > 0 ? <Text color={theme.unread}>{` (${t.unread})`}</Text> : null}
        </Text>
      ))}
    </Box>
  );
}
