import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { useAppActions } from '../contexts/AppActionsContext.js';
import { useAppState } from '../contexts/AppStateContext.js';
import { Command } from '../keys/keyBindings.js';
import { matchCommand } from '../keys/keyMatchers.js';
import { conversationTitle } from '../state/selectors.js';
import { visibleLines } from '../text/message-lines.js';
import { inert } from '../../util/inert-text.js';
import { ScreenLineText } from './ScreenLineText.js';
import { useKeypress } from '../hooks/useKeypress.js';

/** Messages scrolled by one PgUp/PgDn: about half a pane. */
export function pageSize(height: number): number {
  return Math.max(1, Math.floor(height / 2));
}

/**
 * The open conversation: only the lines that fit are built and rendered, from the message `scroll`
 * places at the bottom, so a 10,000-message conversation costs what a screenful costs.
 */
export function MessagesPane({ width, height }: { readonly width: number; readonly height: number }) {
  const state = useAppState();
  const { dispatch } = useAppActions();
  const focused = state.focus === 'messages';
  const open = state.open === undefined ? undefined : state.conversations[state.open];
  const list = state.open === undefined ? undefined : state.messages[state.open];
  const inner = Math.max(10, width - 2);
  const rows = Math.max(1, height - 3);
  const highlight = state.overlay.kind === 'search' ? state.overlay.hits[state.overlay.index] : undefined;
  const lines = useMemo(
    () => (state.open === undefined ? [] : visibleLines(state, state.open, inner, rows, highlight)),
    // The lines depend only on these parts of the state; composer edits do not rebuild them.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [list, state.scroll, state.receipts, state.users, state.conversations, state.open, inner, rows, highlight],
  );
  useKeypress(
    (input, key) => {
      const command = matchCommand([Command.Up, Command.Down, Command.PageUp, Command.PageDown, Command.Top, Command.Bottom], input, key);
      if (command === Command.Up) dispatch({ type: 'scroll', by: 1 });
      if (command === Command.Down) dispatch({ type: 'scroll', by: -1 });
      if (command === Command.PageUp) dispatch({ type: 'scroll', by: pageSize(rows) });
      if (command === Command.PageDown) dispatch({ type: 'scroll', by: -pageSize(rows) });
      if (command === Command.Top) dispatch({ type: 'scrollTo', where: 'top' });
      if (command === Command.Bottom) dispatch({ type: 'scrollTo', where: 'bottom' });
    },
    { isActive: focused && state.overlay.kind === 'none' },
  );
  const title = open ? conversationTitle(state, open) : 'no conversation open';
  const members = open?.kind === 'group' ? ` · ${open.memberIds.length} members` : '';
  const peer = open?.kind === 'direct' && open.peer !== undefined ? state.users[open.peer] : undefined;
  const status = list?.loadingOlder ? ' · loading older…' : state.scroll > 0 ? ` · ↑ ${state.scroll} newer below (End)` : '';
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={focused ? 'cyan' : 'gray'}>
      <Text bold wrap="truncate-end">
        <Text color={focused ? 'cyan' : undefined} inverse={focused}>
          {inert(title)}
        </Text>
        <Text dimColor>
          {members}
          {peer ? (peer.online ? ' · online' : ' · offline') : ''}
          {status}
        </Text>
      </Text>
      <Box flexDirection="column" height={rows}>
        {open === undefined && <Text dimColor>Pick a contact or group and press Enter, Ctrl-K to switch, ? for help.</Text>}
        {open !== undefined && lines.length === 0 && <Text dimColor>{list?.loadingOlder ? 'loading…' : 'no messages yet: say hello'}</Text>}
        {lines.map((line) => (
          <ScreenLineText key={line.key} line={line} />
        ))}
      </Box>
    </Box>
  );
}
