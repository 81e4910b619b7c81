import { useMemo, useState } from 'react';
import { App } from './App.js';
import type { TuiClient } from './chat-port.js';
import { AppActionsContext } from './contexts/AppActionsContext.js';
import { AppStoreContext, useAppSelector, useAppStore } from './contexts/AppStoreContext.js';
import type { ChatActions } from './commands/types.js';
import { useChatActions } from './hooks/useChatActions.js';
import { useChatEvents } from './hooks/useChatEvents.js';
import { useConversationSync } from './hooks/useConversationSync.js';
import { useGlobalKeys } from './hooks/useGlobalKeys.js';
import { useTerminalSize } from './hooks/useTerminalSize.js';
import { composerLineCount, regions } from './layouts/layout.js';
import { createInitialState } from './state/app-reducer.js';
import { createAppStore, type AppStore } from './state/store.js';
import type { AppState, Notice } from './state/types.js';

export interface AppContainerProps {
  readonly client: TuiClient;
  /** `host:port` of the coordinator, for the status bar. */
  readonly server: string;
  /** Ring the bell for messages in other conversations. @default true */
  readonly bell?: boolean;
  /** How to ring it. @default writes BEL to stdout */
  readonly ring?: () => void;
  readonly onQuit: () => void;
  /** A state to start from instead of an empty one (tests, the benchmark). */
  readonly initialState?: AppState;
  /** A notice to open with (the server's certificate pinned on first use). */
  readonly initialNotice?: Notice | undefined;
}

function ringStdout(): void {
  process.stdout.write('\u0007');
}

/**
 * Wires a logged-in client to the store and provides it. The container itself draws nothing that
 * changes: each component subscribes to the slices it draws.
 */
export function AppContainer({ client, server, bell = true, ring = ringStdout, onQuit, initialState, initialNotice }: AppContainerProps) {
  const [store] = useState<AppStore>(() => {
    const start =
      initialState ?? createInitialState({ id: client.user.id, name: client.user.name, fingerprint: client.identity.fingerprint }, server);
    return createAppStore(initialNotice ? { ...start, view: { ...start.view, notice: initialNotice } } : start);
  });
  const { dispatch, getState } = store;
  const actions = useChatActions(client, dispatch, getState, onQuit);
  useChatEvents(client, dispatch, getState, { bell, ring });
  const value = useMemo(() => ({ dispatch, actions, getState }), [dispatch, actions, getState]);
  return (
    <AppStoreContext.Provider value={store}>
      <AppActionsContext.Provider value={value}>
        <App />
        <Background client={client} actions={actions} />
      </AppActionsContext.Provider>
    </AppStoreContext.Provider>
  );
}

/**
 * What runs beside the screen and draws nothing: keeping the server in step with what is seen, and
 * the global keys (subscribed after the panes', as before). A component of its own, so the slices it
 * follows redraw nothing else.
 */
function Background({ client, actions }: { readonly client: TuiClient; readonly actions: ChatActions }) {
  const { columns, rows } = useTerminalSize();
  const composerLines = useAppSelector((state) => composerLineCount(columns, state.composer.text));
  const store = useAppStore();
  useConversationSync(client, actions, regions(columns, rows, composerLines).messagesHeight);
  useGlobalKeys(store.getState, store.dispatch, actions);
  return null;
}
