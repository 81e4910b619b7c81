import { Box, Text } from 'ink';
import { useAppState } from '../contexts/AppStateContext.js';

const CONNECTION = {
  connecting: { mark: '◌ connecting', color: 'yellow' },
  connected: { mark: '● connected', color: 'green' },
  reconnecting: { mark: '◌ reconnecting', color: 'yellow' },
  offline: { mark: '○ offline', color: 'red' },
} as const;

/** Connection state with the queued count, server and port, who you are, your key fingerprint. */
export function StatusBar({ width }: { readonly width: number }) {
  const state = useAppState();
  const connection = CONNECTION[state.connection];
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate-end">
        <Text color={connection.color} bold>{connection.mark}</Text>
        {state.queued > 0 ? <Text color="yellow">{` · ${state.queued} queued`}</Text> : null}
        {state.backlog > 0 ? <Text color="yellow">{` · decrypting backlog: ${state.backlog} left`}</Text> : null}
        <Text dimColor>{` · ${state.server} · `}</Text>
        <Text bold>{state.me.name}</Text>
        <Text dimColor>{` · key ${state.me.fingerprint}`}</Text>
        <Text dimColor>{' · ? help'}</Text>
      </Text>
    </Box>
  );
}
