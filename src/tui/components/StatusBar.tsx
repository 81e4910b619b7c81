import { Box, Text } from 'ink';
import { useAccount, useLink } from '../contexts/AppStoreContext.js';
import type { AppState } from '../state/types.js';
import { theme } from '../theme.js';

const CONNECTION = {
  connecting: { mark: '◌ connecting', color: theme.pending },
  connected: { mark: '● connected', color: theme.good },
  reconnecting: { mark: '◌ reconnecting', color: theme.pending },
  offline: { mark: '○ offline', color: theme.danger },
  signedOut: { mark: '○ signed out: start fastchat again to log in', color: theme.danger },
} as const;

/** The connection mark: while reconnecting, whether the server is restarting and when the next try is. */
function connectionMark(state: Pick<AppState, 'link'>): string {
  const retry = state.link.retry;
  if (state.link.connection !== 'reconnecting' || !retry) return CONNECTION[state.link.connection].mark;
  const what = retry.restarting ? '◌ server restarting' : '◌ reconnecting';
  return retry.secondsLeft > 0 ? `${what} · next try in ${retry.secondsLeft} s` : `${what} · trying now`;
}

const count = (n: number) => n.toLocaleString('en-US');

/** Connection state with the queued count, server and port, who you are, your key fingerprint. */
export function StatusBar({ width }: { readonly width: number }) {
  const state = { account: useAccount(), link: useLink() };
  const connection = CONNECTION[state.link.connection];
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate-end">
        <Text color={connection.color} bold>
          {connectionMark(state)}
        </Text>
        {state.link.queued > 0 ? <Text color={theme.pending}>{` · ${state.link.queued} queued`}</Text> : null}
        {state.link.backlog > 0 ? (
          <Text color={theme.pending}>{` · decrypting backlog: ${count(state.link.backlog)} of ${count(state.link.backlogTotal)}`}</Text>
        ) : null}
        <Text dimColor>{` · ${state.account.server} · `}</Text>
        <Text bold>{state.account.me.name}</Text>
        <Text dimColor>{` · key ${state.account.me.fingerprint}`}</Text>
        <Text dimColor>{' · ? help'}</Text>
      </Text>
    </Box>
  );
}
