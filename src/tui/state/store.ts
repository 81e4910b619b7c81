import type { Action } from './actions.js';
import { appReducer } from './app-reducer.js';
import type { AppState } from './types.js';

/** The TUI's state outside React: components subscribe to the slices they draw (useAppSelector). */
export interface AppStore {
  /** The latest state, including actions not drawn yet: keys that arrive before the next render act on what they follow. */
  readonly getState: () => AppState;
  /** Runs the reducer once and tells the subscribers when the state changed. */
  readonly dispatch: (action: Action) => void;
  readonly subscribe: (listener: () => void) => () => void;
}

export function createAppStore(initial: AppState): AppStore {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch: (action) => {
      const next = appReducer(state, action);
      if (next === state) return;
      state = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
