import { useMemo } from 'react';
import type { ChatMessage } from '../../client/index.js';
import type { TuiClient } from '../chat-port.js';
import { isSlashCommand, runSlashCommand } from '../commands/registry.js';
import type { ChatActions } from '../commands/types.js';
import type { Action } from '../state/app-reducer.js';
import { composeRefusal } from '../state/selectors.js';
import type { AppState } from '../state/types.js';

/** Messages per history page. */
export const HISTORY_PAGE = 50;
/** How far back a search pages (50 pages of 50: the last 2,500 messages beyond those loaded). */
const SEARCH_MAX_PAGES = 50;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The operations keys and slash commands share, over the client and the reducer. */
export function useChatActions(
  client: TuiClient,
  dispatch: (action: Action) => void,
  getState: () => AppState,
  onQuit: () => void,
): ChatActions {
  return useMemo(() => {
    const loadOlder = async (conversation: number): Promise<ChatMessage[]> => {
      const list = getState().chat.messages[conversation];
      if (list && (list.loadingOlder || !list.hasOlder)) return [];
      const before = list?.items.find((m) => m.seq !== undefined)?.seq;
      if (before !== undefined && before <= 1) {
        dispatch({ type: 'olderLoaded', conversation, messages: [], hasOlder: false });
        return [];
      }
      dispatch({ type: 'olderRequested', conversation });
      try {
        const page = await client.history(conversation, before, HISTORY_PAGE);
        const hasOlder = page.length === HISTORY_PAGE && (page[0]?.seq ?? 0) > 1;
        dispatch({ type: 'olderLoaded', conversation, messages: page, hasOlder });
        return page;
      } catch (error) {
        dispatch({ type: 'olderLoaded', conversation, messages: [], hasOlder: false });
        dispatch({ type: 'notice', notice: { level: 'error', text: `could not load older messages: ${messageOf(error)}` } });
        return [];
      }
    };
    const actions: ChatActions = {
      openConversation: (conversation) => dispatch({ type: 'open', conversation }),
      async openUser(userId) {
        const existing = Object.values(getState().directory.conversations).find((c) => c.kind === 'direct' && c.peer === userId);
        if (existing) {
          dispatch({ type: 'open', conversation: existing.id });
          return existing.id;
        }
        const { conversation } = await client.request({ t: 'open_direct', user: userId });
        dispatch({ type: 'conversations', views: [conversation] });
        dispatch({ type: 'open', conversation: conversation.conversation });
        return conversation.conversation;
      },
      async send(conversation, text) {
        try {
          const { cid } = await client.send({ conversation }, text);
          dispatch({ type: 'ownQueued', conversation, cid, text, ts: Date.now() });
          dispatch({ type: 'queued', count: client.outbox.size });
        } catch (error) {
          dispatch({ type: 'notice', notice: { level: 'error', text: `not sent: ${messageOf(error)}` } });
        }
      },
      async search(query) {
        const conversation = getState().view.open;
        if (conversation === undefined) return;
        const needle = query.toLowerCase();
        const found = (items: readonly { cid: string; text?: string | undefined; kind: string }[]) =>
          items.filter((m) => m.kind === 'message' && m.text?.toLowerCase().includes(needle)).map((m) => m.cid);
        const loaded = getState().chat.messages[conversation]?.items ?? [];
        let hits = found(loaded);
        for (let page = 0; page < SEARCH_MAX_PAGES; page++) {
          const older = await loadOlder(conversation);
          if (older.length === 0) break;
          hits = [...found(older), ...hits];
        }
        dispatch({ type: 'searchResults', hits });
      },
      async loadOlder(conversation) {
        await loadOlder(conversation);
      },
      async retryFailed() {
        const conversation = getState().view.open;
        const failed =
          conversation === undefined ? [] : (getState().chat.messages[conversation]?.items ?? []).filter((m) => m.pending === 'failed');
        if (conversation === undefined || failed.length === 0) return actions.info('no failed message to retry here');
        for (const m of failed) {
          dispatch({ type: 'ownRetried', conversation, cid: m.cid });
          await actions.send(conversation, m.text ?? '');
        }
      },
      async submit(text) {
        dispatch({ type: 'notice', notice: undefined });
        if (isSlashCommand(text)) return runSlashCommand(text, { client, state: getState(), dispatch, actions });
        const conversation = getState().view.open;
        if (conversation === undefined) return actions.error('open a conversation first (Enter on a contact, Ctrl-K, or /msg USER)');
        const refusal = composeRefusal(getState());
        if (refusal) return actions.error(refusal);
        await actions.send(conversation, text.startsWith('//') ? text.slice(1) : text);
      },
      async showSessions() {
        dispatch({ type: 'overlay', overlay: { kind: 'sessions', sessions: undefined, selected: 0 } });
        try {
          dispatch({ type: 'sessionsLoaded', sessions: await client.sessions() });
        } catch (error) {
          dispatch({ type: 'overlay', overlay: { kind: 'none' } });
          throw error;
        }
      },
      async endSession(session) {
        await client.endSession(session);
        // The reducer takes the new list only while the list is still open.
        dispatch({ type: 'sessionsLoaded', sessions: await client.sessions() });
      },
      async changePassword(newPassword, currentPassword) {
        await client.changePassword(newPassword, currentPassword);
      },
      quit: () => {
        dispatch({ type: 'quit' });
        onQuit();
      },
      info: (text) => dispatch({ type: 'notice', notice: { level: 'info', text } }),
      error: (text) => dispatch({ type: 'notice', notice: { level: 'error', text } }),
    };
    return actions;
  }, [client, dispatch, getState, onQuit]);
}
