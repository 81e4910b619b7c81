import { Box, Text } from 'ink';
import { useAccount, useChat, useDirectory, useView } from '../contexts/AppStoreContext.js';
import type { Notice } from '../state/types.js';
import { typingNames } from '../state/selectors.js';
import { wrapText } from '../text/display-width.js';
import { inert } from '../../util/inert-text.js';
import { theme } from '../theme.js';

/** Rows a notice may take under the messages; longer ones are cut (Esc dismisses it). */
export const NOTICE_MAX_ROWS = 4;
const DISMISS = ' (Esc)';

/**
 * The notice's lines at this width, " (Esc)" included, at most NOTICE_MAX_ROWS: the layout gives the
 * info line this many rows and the messages pane the rest, so a long warning (a changed key with both
 * fingerprints) is read whole instead of cut at the edge.
 */
export function noticeLines(notice: Notice | undefined, width: number): string[] {
  if (!notice) return [];
  return wrapText(inert(notice.text) + DISMISS, width).slice(0, NOTICE_MAX_ROWS);
}

/** Under the messages: the last command's result or error, else who is typing. */
export function InfoLine({ width }: { readonly width: number }) {
  const state = { account: useAccount(), directory: useDirectory(), chat: useChat(), view: useView() };
  if (state.view.notice) {
    const color = state.view.notice.level === 'error' ? theme.danger : state.view.notice.level === 'warning' ? theme.pending : theme.good;
    return (
      <Box flexDirection="column" width={width}>
        {noticeLines(state.view.notice, width).map((line, i) => (
          <Text key={i} color={color} wrap="truncate-end">
            {line}
          </Text>
        ))}
      </Box>
    );
  }
  const names = state.view.open === undefined ? [] : typingNames(state, state.view.open);
  if (names.length === 0) return <Text> </Text>;
  return (
    <Text dimColor italic wrap="truncate-end">
      {names.length === 1 ? `${names[0]} is typing…` : `${names.join(', ')} are typing…`}
    </Text>
  );
}
