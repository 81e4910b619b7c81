import { createContext, useCallback, useContext, useSyncExternalStore } from 'react';
import type { AppStore } from '../state/store.js';
import type { AccountSlice, AppState, ChatSlice, DirectorySlice, LinkSlice, ViewSlice } from '../state/types.js';
import type { ComposerState } from '../state/composer-reducer.js';

/** The store AppContainer made; its identity never changes, so providing it redraws nothing. */
export const AppStoreContext = createContext<AppStore | undefined>(undefined);

export function useAppStore(): AppStore {
  const store = useContext(AppStoreContext);
  if (!store) throw new Error('useAppStore must be used inside AppContainer');
  return store;
}

/**
 * Part of the state, redrawing the component only when that part changes (by identity): select a
 * slice or a value, never a structure made afresh by the selector, which would change every time.
 */
export function useAppSelector<T>(select: (state: AppState) => T): T {
  const store = useAppStore();
  const snapshot = useCallback(() => select(store.getState()), [store, select]);
  return useSyncExternalStore(store.subscribe, snapshot);
}

const account = (state: AppState) => state.account;
const link = (state: AppState) => state.link;
const directory = (state: AppState) => state.directory;
const chat = (state: AppState) => state.chat;
const view = (state: AppState) => state.view;
const composer = (state: AppState) => state.composer;

/** Who is logged in, and where (never changes). */
export const useAccount = (): AccountSlice => useAppSelector(account);
/** The connection, queued and backlog counts. */
export const useLink = (): LinkSlice => useAppSelector(link);
/** Users and conversations. */
export const useDirectory = (): DirectorySlice => useAppSelector(directory);
/** Messages, receipts, typing. */
export const useChat = (): ChatSlice => useAppSelector(chat);
/** Open conversation, focus, selection, scroll, overlay, notice. */
export const useView = (): ViewSlice => useAppSelector(view);
/** The message being written. */
export const useComposer = (): ComposerState => useAppSelector(composer);
