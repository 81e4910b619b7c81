import { Box, Text } from 'ink';
import { useAppActions } from '../contexts/AppActionsContext.js';
import { useDirectory, useView } from '../contexts/AppStoreContext.js';
import { useListPane } from '../hooks/useListPane.js';
import { groupRows } from '../state/selectors.js';
import { inert } from '../../util/inert-text.js';
import { padEnd } from '../text/display-width.js';
import { theme } from '../theme.js';

/** Groups: name, member count, unread count; most recent activity first. */
export function GroupsPane({ width, height }: { readonly width: number; readonly height: number }) {
  const state = { directory: useDirectory(), view: useView() };
  const { actions } = useAppActions();
  const rows = groupRows(state);
  const { focused, selected, first, visible, inner } = useListPane('groups', rows, { width, height }, (group) =>
    actions.openConversation(group.id),
  );
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={focused ? theme.accent : theme.muted}>
      <Text bold inverse={focused} color={focused ? theme.accent : undefined}>
        Groups
      </Text>
      {rows.length === 0 && <Text dimColor>none (/group create)</Text>}
      {rows.slice(first, first + visible - 1).map((group, i) => {
        const badge = `${group.unread > 0 ? ` (${group.unread})` : ''} ${group.memberIds.length} members`;
        return (
          <Text
            key={group.id}
            inverse={focused && first + i === selected}
            bold={group.unread > 0 || group.id === state.view.open}
            wrap="truncate-end"
          >
            {padEnd(`#${inert(group.name ?? '')}`, Math.max(1, inner - badge.length - 1))}
            <Text color={theme.unread}>{badge}</Text>
          </Text>
        );
      })}
    </Box>
  );
}
