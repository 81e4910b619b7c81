import { Box, Text, useInput } from 'ink';
import { useAppActions } from '../contexts/AppActionsContext.js';
import { useAppState } from '../contexts/AppStateContext.js';
import { Command } from '../keys/keyBindings.js';
import { matchCommand } from '../keys/keyMatchers.js';
import { groupRows } from '../state/selectors.js';
import { inert } from '../../util/inert-text.js';
import { padEnd } from '../text/display-width.js';

/** Groups: name, member count, unread count; most recent activity first. */
export function GroupsPane({ width, height }: { readonly width: number; readonly height: number }) {
  const state = useAppState();
  const { dispatch, actions } = useAppActions();
  const rows = groupRows(state);
  const focused = state.focus === 'groups';
  const selected = Math.min(state.selection.groups, Math.max(0, rows.length - 1));
  useInput(
    (input, key) => {
      const command = matchCommand([Command.Up, Command.Down, Command.Open], input, key);
      if (command === Command.Up) dispatch({ type: 'select', pane: 'groups', by: -1 });
      if (command === Command.Down) dispatch({ type: 'select', pane: 'groups', by: 1 });
      if (command === Command.Open && rows[selected]) actions.openConversation(rows[selected].id);
    },
    { isActive: focused && state.overlay.kind === 'none' },
  );
  const inner = Math.max(4, width - 2);
  const visible = Math.max(1, height - 2);
  const first = Math.max(0, Math.min(selected - visible + 1, rows.length - visible));
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={focused ? 'cyan' : 'gray'}>
      <Text bold color={focused ? 'cyan' : undefined}>Groups</Text>
      {rows.length === 0 && <Text dimColor>none (/group create)</Text>}
      {rows.slice(first, first + visible - 1).map((group, i) => {
        const badge = `${group.unread > 0 ? ` (${group.unread})` : ''} ${group.memberIds.length} members`;
        return (
          <Text key={group.id} inverse={focused && first + i === selected} bold={group.unread > 0 || group.id === state.open} wrap="truncate-end">
            {padEnd(`#${inert(group.name ?? '')}`, Math.max(1, inner - badge.length - 1))}
            <Text color="magenta">{badge}</Text>
          </Text>
        );
      })}
    </Box>
  );
}
