import { Box, Text, useInput } from 'ink';
import { useAppActions } from '../contexts/AppActionsContext.js';
import { useAppState } from '../contexts/AppStateContext.js';
import { Command } from '../keys/keyBindings.js';
import { matchCommand } from '../keys/keyMatchers.js';
import { contactRows } from '../state/selectors.js';
import { inert } from '../../util/inert-text.js';
import { padEnd } from '../text/display-width.js';

/** Contacts: online mark, name, unread count; most recent activity first. */
export function ContactsPane({ width, height }: { readonly width: number; readonly height: number }) {
  const state = useAppState();
  const { dispatch, actions } = useAppActions();
  const rows = contactRows(state);
  const focused = state.focus === 'contacts';
  const selected = Math.min(state.selection.contacts, Math.max(0, rows.length - 1));
  useInput(
    (input, key) => {
      const command = matchCommand([Command.Up, Command.Down, Command.Open], input, key);
      if (command === Command.Up) dispatch({ type: 'select', pane: 'contacts', by: -1 });
      if (command === Command.Down) dispatch({ type: 'select', pane: 'contacts', by: 1 });
      if (command === Command.Open) {
        const row = rows[selected];
        if (row) actions.openUser(row.user.id).catch((error: unknown) => actions.error(error instanceof Error ? error.message : String(error)));
      }
    },
    { isActive: focused && state.overlay.kind === 'none' },
  );
  const inner = Math.max(4, width - 2);
  const visible = Math.max(1, height - 2);
  const first = Math.max(0, Math.min(selected - visible + 1, rows.length - visible));
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={focused ? 'cyan' : 'gray'}>
      <Text bold color={focused ? 'cyan' : undefined}>Contacts</Text>
      {rows.length === 0 && <Text dimColor>nobody yet</Text>}
      {rows.slice(first, first + visible - 1).map((row, i) => {
        const unread = row.conversation?.unread ?? 0;
        const badge = unread > 0 ? ` (${unread})` : '';
        const open = row.conversation?.id === state.open && state.open !== undefined;
        const isSelected = first + i === selected;
        return (
          <Text key={row.user.id} inverse={focused && isSelected} bold={unread > 0 || open} wrap="truncate-end">
            <Text color={row.user.online ? 'green' : 'gray'}>{row.user.online ? '● ' : '○ '}</Text>
            {padEnd(inert(row.user.name), Math.max(1, inner - 2 - badge.length))}
            <Text color="magenta">{badge}</Text>
          </Text>
        );
      })}
    </Box>
  );
}
