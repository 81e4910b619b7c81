import { Box, Text } from 'ink';
import { useAppActions } from '../contexts/AppActionsContext.js';
import { useAccount, useDirectory, useView } from '../contexts/AppStoreContext.js';
import { useListPane } from '../hooks/useListPane.js';
import { contactRows } from '../state/selectors.js';
import { inert } from '../../util/inert-text.js';
import { padEnd } from '../text/display-width.js';
import { theme } from '../theme.js';

/** Contacts: online mark, name, unread count; most recent activity first. */
export function ContactsPane({ width, height }: { readonly width: number; readonly height: number }) {
  const state = { account: useAccount(), directory: useDirectory(), view: useView() };
  const { actions } = useAppActions();
  const rows = contactRows(state);
  const { focused, selected, first, visible, inner } = useListPane('contacts', rows, { width, height }, (row) => {
    actions.openUser(row.user.id).catch((error: unknown) => actions.error(error instanceof Error ? error.message : String(error)));
  });
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={focused ? theme.accent : theme.muted}>
      <Text bold inverse={focused} color={focused ? theme.accent : undefined}>
        Contacts
      </Text>
      {rows.length === 0 && <Text dimColor>nobody yet</Text>}
      {rows.slice(first, first + visible - 1).map((row, i) => {
        const unread = row.conversation?.unread ?? 0;
        const badge = unread > 0 ? ` (${unread})` : '';
        const open = row.conversation?.id === state.view.open && state.view.open !== undefined;
        const isSelected = first + i === selected;
        return (
          <Text key={row.user.id} inverse={focused && isSelected} bold={unread > 0 || open} wrap="truncate-end">
            <Text color={row.user.online ? theme.good : theme.muted}>{row.user.online ? '● ' : '○ '}</Text>
            {padEnd(inert(row.user.name), Math.max(1, inner - 2 - badge.length))}
            <Text color={theme.unread}>{badge}</Text>
          </Text>
        );
      })}
    </Box>
  );
}
