import { createContext, useContext } from 'react';
import type { ChatActions } from '../commands/types.js';
import type { Action } from '../state/app-reducer.js';
import type { AppState } from '../state/types.js';

export interface AppActions {
  readonly dispatch: (action: Action) => void;
  readonly actions: ChatActions;
  /** The latest state, including actions not rendered yet. */
  readonly getState: () => AppState;
}

/** What components may do: dispatch reducer actions, or call the app's chat actions. */
export const AppActionsContext = createContext<AppActions | undefined>(undefined);

/** The app's actions; throws outside AppContainer. */
export function useAppActions(): AppActions {
  const value = useContext(AppActionsContext);
  if (!value) throw new Error('useAppActions must be used inside AppContainer');
  return value;
}
