import { Box, Text, type Key } from 'ink';
import { useMemo, useRef } from 'react';
import { messageTooLong } from '../../client/index.js';
import { useAppActions } from '../contexts/AppActionsContext.js';
import { useAppSelector, useComposer, useView } from '../contexts/AppStoreContext.js';
import type { AppState } from '../state/types.js';
import { useKeypress } from '../hooks/useKeypress.js';
import { eachKey } from '../keys/burst.js';
import { Command, describeCommand } from '../keys/keyBindings.js';
import { isText, matchCommand } from '../keys/keyMatchers.js';
import { outsidePaste, pastedText, trackPaste } from '../keys/paste.js';
import type { ComposerAction } from '../state/composer-reducer.js';
import { composeRefusal, conversationTitle } from '../state/selectors.js';
import { composerTextWidth, composerWindow } from '../text/composer-view.js';
import { graphemes } from '../text/display-width.js';
import { pageSize } from './MessagesPane.js';
import { theme } from '../theme.js';

const EDITS: ReadonlyArray<readonly [Command, ComposerAction]> = [
  [Command.CursorLeft, { type: 'left' }],
  [Command.CursorRight, { type: 'right' }],
  [Command.LineStart, { type: 'home' }],
  [Command.LineEnd, { type: 'end' }],
  [Command.DeleteBack, { type: 'backspace' }],
  [Command.DeleteForward, { type: 'delete' }],
];

/**
 * The message being written: Enter sends (or runs a /command), Alt-Enter adds a line. Pasted text
 * (a bracketed paste, keys/paste.ts) goes in as it is, line ends as `\n`, and is sent as one message;
 * outside a paste a line end is Enter wherever it falls ("hello⏎" typed fast arrives in one read).
 * Long lines wrap, and past six rows the box scrolls to keep the cursor in view (↑/↓ in the margin
 * say more is out of view).
 * Text over the message limit is refused on Enter with a note, and stays to be shortened (Ctrl-U).
 */
export function Composer({ width, messageRows }: { readonly width: number; readonly messageRows: number }) {
  const state = { view: useView(), composer: useComposer() };
  // A string: a message that moves the open conversation's counters does not draw the composer again.
  const placeholder = useAppSelector(placeholderOf);
  const { dispatch, actions, getState } = useAppActions();
  const focused = state.view.focus === 'composer';
  const { text, cursor } = state.composer;
  // One key (of a burst cut by eachKey), outside a paste.
  const onKey = (input: string, key: Key) => {
    const command = matchCommand(
      [Command.Newline, Command.Submit, Command.PageUp, Command.PageDown, Command.ClearInput, ...EDITS.map(([c]) => c)],
      input,
      key,
    );
    if (command === Command.Newline) return dispatch({ type: 'composer', action: { type: 'insert', text: '\n' } });
    if (command === Command.Submit) {
      const typed = getState().composer.text;
      if (typed.trim() === '') return;
      const tooLong = messageTooLong(typed);
      if (tooLong) return actions.error(`not sent: ${tooLong}. Shorten it (${describeCommand(Command.ClearInput)} clears it)`);
      dispatch({ type: 'composer', action: { type: 'set', text: '' } });
      void actions.submit(typed.replace(/\s+$/, ''));
      return;
    }
    if (command === Command.ClearInput) return dispatch({ type: 'composer', action: { type: 'set', text: '' } });
    if (command === Command.PageUp) return dispatch({ type: 'scroll', by: pageSize(messageRows) });
    if (command === Command.PageDown) return dispatch({ type: 'scroll', by: -pageSize(messageRows) });
    const edit = EDITS.find(([c]) => c === command);
    if (edit) return dispatch({ type: 'composer', action: edit[1] });
    if (isText(input, key)) dispatch({ type: 'composer', action: { type: 'insert', text: input } });
  };
  // Inside a paste or not, as of the last key: the markers and the text come as separate events, so
  // they are followed whatever has the focus (a paste's end is never missed).
  const paste = useRef(outsidePaste());
  const idle = state.view.overlay.kind === 'none';
  useKeypress((burst, burstKey) => {
    if (trackPaste(paste.current, burst, burstKey)) return;
    if (!idle) return;
    if (!focused) {
      // A /command typed elsewhere goes to the composer, with the rest of its burst (its Enter too).
      if (!isText(burst, burstKey) || !burst.startsWith('/')) return;
      dispatch({ type: 'focus', to: 'composer' });
    }
    if (paste.current.inside) {
      const pasted = pastedText(paste.current, burst, burstKey);
      if (pasted !== '') dispatch({ type: 'composer', action: { type: 'insert', text: pasted } });
      return;
    }
    // Outside a paste, a burst's Enter, Backspaces and control keys act where they fall; tabs are text.
    eachKey(burst, burstKey, onKey, '\t');
  });
  const view = useMemo(() => composerWindow(text, cursor, composerTextWidth(width)), [text, cursor, width]);
  if (text === '') {
    return (
      <Box width={width} borderStyle="round" borderColor={focused ? theme.accent : theme.muted} flexDirection="row">
        <Text color={theme.accent}>{'› '}</Text>
        <Text wrap="truncate-end">
          {focused ? <Text inverse> </Text> : null}
          <Text dimColor>{placeholder}</Text>
        </Text>
      </Box>
    );
  }
  return (
    <Box width={width} borderStyle="round" borderColor={focused ? theme.accent : theme.muted} flexDirection="column">
      {view.rows.map((row, k) => {
        const last = k === view.rows.length - 1;
        const margin = k === 0 && view.hiddenAbove > 0 ? '↑ ' : last && view.hiddenBelow > 0 ? '↓ ' : k === 0 ? '› ' : '  ';
        if (k !== view.cursorRow || !focused) {
          return (
            <Text key={row.start} wrap="truncate-end">
              <Text color={theme.accent}>{margin}</Text>
              {text.slice(row.start, row.end)}
            </Text>
          );
        }
        const at = cursor < row.end ? (graphemes(text.slice(cursor, Math.min(row.end, cursor + 64)))[0] ?? '') : '';
        return (
          <Text key={row.start} wrap="truncate-end">
            <Text color={theme.accent}>{margin}</Text>
            {text.slice(row.start, cursor)}
            <Text inverse>{at === '' ? ' ' : at}</Text>
            {text.slice(cursor + at.length, row.end)}
          </Text>
        );
      })}
    </Box>
  );
}

/** What the empty composer says: where Enter sends, or why nothing can be sent there. */
function placeholderOf(state: AppState): string {
  const open = state.view.open === undefined ? undefined : state.directory.conversations[state.view.open];
  return (
    composeRefusal(state) ??
    (open
      ? `message ${conversationTitle(state, open)} · Enter send · Alt-Enter new line · /help`
      : 'type /msg USER, or open a conversation')
  );
}
