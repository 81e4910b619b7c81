import { Text } from 'ink';
import { useAppState } from '../contexts/AppStateContext.js';
import { typingNames } from '../state/selectors.js';
import { inert } from '../../util/inert-text.js';

/** Under the messages: the last command's result or error, else who is typing. */
export function InfoLine({ width }: { readonly width: number }) {
  const state = useAppState();
  if (state.notice) {
    const color = state.notice.level === 'error' ? 'red' : state.notice.level === 'warning' ? 'yellow' : 'green';
    return (
      <Text color={color} wrap="wrap">
        {inert(state.notice.text).slice(0, width * 4)}
        <Text dimColor>{' (Esc)'}</Text>
      </Text>
    );
  }
  const names = state.open === undefined ? [] : typingNames(state, state.open, Date.now());
  if (names.length === 0) return <Text> </Text>;
  return (
    <Text dimColor italic wrap="truncate-end">
      {names.length === 1 ? `${names[0]} is typing…` : `${names.join(', ')} are typing…`}
    </Text>
  );
}
