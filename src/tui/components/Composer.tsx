import { Box, Text, useInput } from 'ink';
import { useAppActions } from '../contexts/AppActionsContext.js';
import { useAppState } from '../contexts/AppStateContext.js';
import { Command } from '../keys/keyBindings.js';
import { isText, matchCommand } from '../keys/keyMatchers.js';
import type { ComposerAction } from '../state/composer-reducer.js';
import { composeRefusal, conversationTitle } from '../state/selectors.js';
import { graphemes } from '../text/display-width.js';
import { pageSize } from './MessagesPane.js';

const EDITS: ReadonlyArray<readonly [Command, ComposerAction]> = [
  [Command.CursorLeft, { type: 'left' }],
  [Command.CursorRight, { type: 'right' }],
  [Command.LineStart, { type: 'home' }],
  [Command.LineEnd, { type: 'end' }],
  [Command.DeleteBack, { type: 'backspace' }],
  [Command.DeleteForward, { type: 'delete' }],
];

/**
 * The message being written: Enter sends (or runs a /command), Alt-Enter adds a line, pasted
 * text (line ends included) goes in as it is and is sent as one message; long lines wrap.
 */
export function Composer({ width, messageRows }: { readonly width: number; readonly messageRows: number }) {
  const state = useAppState();
  const { dispatch, actions, getState } = useAppActions();
  const focused = state.focus === 'composer';
  const { text, cursor } = state.composer;
  useInput(
    (input, key) => {
      const command = matchCommand([Command.Newline, Command.Submit, Command.PageUp, Command.PageDown, ...EDITS.map(([c]) => c)], input, key);
      if (command === Command.Newline) return dispatch({ type: 'composer', action: { type: 'insert', text: '\n' } });
      if (command === Command.Submit) {
        const typed = getState().composer.text;
        if (typed.trim() === '') return;
        dispatch({ type: 'composer', action: { type: 'set', text: '' } });
        void actions.submit(typed.replace(/\s+$/, ''));
        return;
      }
      if (command === Command.PageUp) return dispatch({ type: 'scroll', by: pageSize(messageRows) });
      if (command === Command.PageDown) return dispatch({ type: 'scroll', by: -pageSize(messageRows) });
      const edit = EDITS.find(([c]) => c === command);
      if (edit) return dispatch({ type: 'composer', action: edit[1] });
      if (isText(input, key)) dispatch({ type: 'composer', action: { type: 'insert', text: input } });
    },
    { isActive: focused && state.overlay.kind === 'none' },
  );
  const open = state.open === undefined ? undefined : state.conversations[state.open];
  const placeholder = composeRefusal(state) ?? (open ? `message ${conversationTitle(state, open)} · Enter send · Alt-Enter new line · /help` : 'type /msg USER, or open a conversation');
  const at = graphemes(text.slice(cursor))[0] ?? '';
  const under = at === '' || at === '\n' ? ' ' : at;
  return (
    <Box width={width} borderStyle="round" borderColor={focused ? 'cyan' : 'gray'} flexDirection="row">
      <Text color="cyan">{'› '}</Text>
      <Box flexGrow={1}>
        {text === '' && !focused ? (
          <Text dimColor wrap="truncate-end">{placeholder}</Text>
        ) : (
          <Text wrap="wrap">
            {text.slice(0, cursor)}
            {focused ? <Text inverse>{under}</Text> : null}
            {at === '\n' ? '\n' : ''}
            {text.slice(cursor + at.length)}
            {text === '' && focused ? <Text dimColor>{placeholder}</Text> : null}
          </Text>
        )}
      </Box>
    </Box>
  );
}
