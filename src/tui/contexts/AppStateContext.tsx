import { createContext, useContext } from 'react';
import type { AppState } from '../state/types.js';

/** The TUI's state (read-only); AppContainer provides it. */
export const AppStateContext = createContext<AppState | undefined>(undefined);

/** The TUI's state; throws outside AppContainer. */
export function useAppState(): AppState {
  const state = useContext(AppStateContext);
  if (!state) throw new Error('useAppState must be used inside AppContainer');
  return state;
}
