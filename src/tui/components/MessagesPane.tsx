import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { useAppActions } from '../contexts/AppActionsContext.js';
import { useAccount, useChat, useDirectory, useView } from '../contexts/AppStoreContext.js';
import { Command } from '../keys/keyBindings.js';
import { matchCommand } from '../keys/keyMatchers.js';
import { conversationTitle } from '../state/selectors.js';
import { visibleLines } from '../text/message-lines.js';
import { inert } from '../../util/inert-text.js';
import { ScreenLineText } from './ScreenLineText.js';
import { useKeypress } from '../hooks/useKeypress.js';
import { theme } from '../theme.js';

/** Messages scrolled by one PgUp/PgDn: about half a pane. */
export function pageSize(height: number): number {
  return Math.max(1, Math.floor(height / 2));
}

/**
 * The open conversation: only the lines that fit are built and rendered, from the message `scroll`
 * places at the bottom, so a 10,000-message conversation costs what a screenful costs.
 */
export function MessagesPane({ width, height }: { readonly width: number; readonly height: number }) {
  const account = useAccount();
  const directory = useDirectory();
  const chat = useChat();
  const view = useView();
  const { dispatch } = useAppActions();
  const focused = view.focus === 'messages';
  const open = view.open === undefined ? undefined : directory.conversations[view.open];
  const list = view.open === undefined ? undefined : chat.messages[view.open];
  const inner = Math.max(10, width - 2);
  const rows = Math.max(1, height - 3);
  const highlight = view.overlay.kind === 'search' ? view.overlay.hits[view.overlay.index] : undefined;
  // Rebuilt when what they show changes; this pane is not drawn again for composer edits at all.
  const lines = useMemo(
    () => (view.open === undefined ? [] : visibleLines({ account, directory, chat, view }, view.open, inner, rows, highlight)),
    [account, directory, chat, view, inner, rows, highlight],
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
    { isActive: focused && view.overlay.kind === 'none' },
  );
  const title = open ? conversationTitle({ account, directory }, open) : 'no conversation open';
  const members = open?.kind === 'group' ? ` · ${open.memberIds.length} members` : '';
  const peer = open?.kind === 'direct' && open.peer !== undefined ? directory.users[open.peer] : undefined;
  const status = list?.loadingOlder ? ' · loading older…' : view.scroll > 0 ? ` · ↑ ${view.scroll} newer below (End)` : '';
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={focused ? theme.accent : theme.muted}>
      <Text bold wrap="truncate-end">
        <Text color={focused ? theme.accent : undefined} inverse={focused}>
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
