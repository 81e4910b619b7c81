import { useCallback, useMemo, useReducer, useRef } from 'react';
import { App } from './App.js';
import type { TuiClient } from './chat-port.js';
import { AppActionsContext } from './contexts/AppActionsContext.js';
import { AppStateContext } from './contexts/AppStateContext.js';
import { useChatActions } from './hooks/useChatActions.js';
import { useChatEvents } from './hooks/useChatEvents.js';
import { useConversationSync } from './hooks/useConversationSync.js';
import { useGlobalKeys } from './hooks/useGlobalKeys.js';
import { useTerminalSize } from './hooks/useTerminalSize.js';
import { regions } from './layouts/layout.js';
import { appReducer, createInitialState, type Action } from './state/app-reducer.js';
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

/** Wires a logged-in client to the reducer and provides the state and actions contexts. */
export function AppContainer({ client, server, bell = true, ring = ringStdout, onQuit, initialState, initialNotice }: AppContainerProps) {
  const [state, dispatchRaw] = useReducer(appReducer, undefined, () => ({
    ...(initialState ??
      createInitialState({ id: client.user.id, name: client.user.name, fingerprint: client.identity.fingerprint }, server)),
    ...(initialNotice ? { notice: initialNotice } : {}),
  }));
  // The latest state, ahead of rendering: keys that arrive before the next render (fast typing,
  // a paste then Enter) act on what they follow, not on the last frame.
  const stateRef = useRef(state);
  const dispatch = useCallback((action: Action) => {
    stateRef.current = appReducer(stateRef.current, action);
    dispatchRaw(action);
  }, []);
  const getState = useCallback(() => stateRef.current, []);
  const actions = useChatActions(client, dispatch, stateRef, onQuit);
  useChatEvents(client, dispatch, stateRef, { bell, ring });
  const { columns, rows } = useTerminalSize();
  useConversationSync(client, state, actions, regions(columns, rows, state.composer.text).messagesHeight);
  useGlobalKeys(state, dispatch, actions);
  const value = useMemo(() => ({ dispatch, actions, getState }), [dispatch, actions, getState]);
  return (
    <AppStateContext.Provider value={state}>
      <AppActionsContext.Provider value={value}>
        <App />
      </AppActionsContext.Provider>
    </AppStateContext.Provider>
  );
}
