import { Box, Text } from 'ink';
import { useAppState } from '../contexts/AppStateContext.js';
import type { AppState } from '../state/types.js';

const CONNECTION = {
  connecting: { mark: '◌ connecting', color: 'yellow' },
  connected: { mark: '● connected', color: 'green' },
  reconnecting: { mark: '◌ reconnecting', color: 'yellow' },
  offline: { mark: '○ offline', color: 'red' },
  signedOut: { mark: '○ signed out: start fastchat again to log in', color: 'red' },
} as const;

/** The connection mark: while reconnecting, whether the server is restarting and when the next try is. */
function connectionMark(state: AppState): string {
  const retry = state.retry;
  if (state.connection !== 'reconnecting' || !retry) return CONNECTION[state.connection].mark;
  const what = retry.restarting ? '◌ server restarting' : '◌ reconnecting';
  return retry.secondsLeft > 0 ? `${what} · next try in ${retry.secondsLeft} s` : `${what} · trying now`;
}

const count = (n: number) => n.toLocaleString('en-US');

/** Connection state with the queued count, server and port, who you are, your key fingerprint. */
export function StatusBar({ width }: { readonly width: number }) {
  const state = useAppState();
  const connection = CONNECTION[state.connection];
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate-end">
        <Text color={connection.color} bold>
          {connectionMark(state)}
        </Text>
        {state.queued > 0 ? <Text color="yellow">{` · ${state.queued} queued`}</Text> : null}
        {state.backlog > 0 ? (
          <Text color="yellow">{` · decrypting backlog: ${count(state.backlog)} of ${count(state.backlogTotal)}`}</Text>
        ) : null}
        <Text dimColor>{` · ${state.server} · `}</Text>
        <Text bold>{state.me.name}</Text>
        <Text dimColor>{` · key ${state.me.fingerprint}`}</Text>
        <Text dimColor>{' · ? help'}</Text>
      </Text>
    </Box>
  );
}
