import { Box, Text, type Key } from 'ink';
import { useState } from 'react';
import type { SessionView } from '../../protocol/index.js';
import { useAppActions } from '../contexts/AppActionsContext.js';
import { useView } from '../contexts/AppStoreContext.js';
import { useKeypress } from '../hooks/useKeypress.js';
import { eachKey } from '../keys/burst.js';
import { Command, describeCommand } from '../keys/keyBindings.js';
import { matchCommand } from '../keys/keyMatchers.js';
import { clock, day } from '../text/message-lines.js';
import { theme } from '../theme.js';

const when = (ms: number) => `${day(ms)} ${clock(ms)}`;

export function describeSession(session: SessionView): string {
  // The mark first: a narrow terminal cuts the end of the row.
  const mark = session.current ? 'this terminal · ' : '';
  return `${String(session.id).padStart(6)}  ${mark}since ${when(session.createdAt)} · last login ${when(session.lastUsedAt)}`;
}

/**
 * `/sessions`: every session that can reconnect without the password, newest first. Enter ends the
 * selected one (its connection closes at once, wherever it is), Esc closes the list.
 */
export function SessionsOverlay({ width, height }: { readonly width: number; readonly height: number }) {
  const state = { view: useView() };
  const { dispatch, actions, getState } = useAppActions();
  const [busy, setBusy] = useState(false);
  const overlay = state.view.overlay.kind === 'sessions' ? state.view.overlay : undefined;
  const sessions = overlay?.sessions;
  const onKey = (input: string, key: Key) => {
    const command = matchCommand([Command.SelectPrevious, Command.SelectNext, Command.Open], input, key);
    if (command === Command.SelectPrevious) return dispatch({ type: 'overlayMove', by: -1 });
    if (command === Command.SelectNext) return dispatch({ type: 'overlayMove', by: 1 });
    if (command !== Command.Open || busy) return;
    const now = getState().view.overlay;
    const target = now.kind === 'sessions' ? now.sessions?.[now.selected] : undefined;
    if (!target) return;
    if (target.current) return actions.info('that is this terminal; /quit leaves it');
    setBusy(true);
    actions
      .endSession(target.id)
      .then(() => actions.info(`ended session ${target.id}`))
      .catch((error: unknown) => actions.error(`/sessions: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => setBusy(false));
  };
  useKeypress((burst, burstKey) => eachKey(burst, burstKey, onKey));
  const rows = Math.max(1, height - 4);
  const selected = overlay?.selected ?? 0;
  const first = Math.max(0, Math.min(selected - rows + 1, (sessions?.length ?? 0) - rows));
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="double" borderColor={theme.accent} paddingX={1}>
      <Text
        bold
        color={theme.accent}
        wrap="truncate-end"
      >{`Sessions (${describeCommand(Command.Open)} ends the selected · ${describeCommand(Command.Back)} closes)`}</Text>
      {sessions === undefined ? <Text dimColor>loading…</Text> : null}
      {sessions?.slice(first, first + rows).map((session, i) => (
        <Text key={session.id} inverse={first + i === selected} wrap="truncate-end">
          {describeSession(session)}
        </Text>
      ))}
      <Text dimColor wrap="truncate-end">
        {busy ? 'ending…' : 'someone who knows your password can log in again: /password changes it'}
      </Text>
    </Box>
  );
}
