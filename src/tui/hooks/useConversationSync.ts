import { useEffect, useRef } from 'react';
import type { TuiClient } from '../chat-port.js';
import type { ChatActions } from '../commands/types.js';
import { useAppSelector } from '../contexts/AppStoreContext.js';

/** Between two typing notices for one conversation (the server forwards each). */
const TYPING_EVERY_MS = 3000;

/**
 * Keeps the server in step with what the user sees: marks the open conversation read as messages
 * show, loads older pages when the view nears the top of what is loaded, and sends throttled typing
 * notices while the user writes.
 */
export function useConversationSync(client: TuiClient, actions: ChatActions, visibleRows: number): void {
  const marked = useRef(new Map<number, number>());
  const lastTyping = useRef({ conversation: -1, at: 0 });
  const open = useAppSelector((state) => state.view.open);
  const entry = useAppSelector((state) => (open === undefined ? undefined : state.directory.conversations[open]));
  const list = useAppSelector((state) => (open === undefined ? undefined : state.chat.messages[open]));
  const connection = useAppSelector((state) => state.link.connection);
  const scroll = useAppSelector((state) => state.view.scroll);
  const text = useAppSelector((state) => state.composer.text);

  useEffect(() => {
    if (open === undefined || !entry || connection !== 'connected') return;
    if ((marked.current.get(open) ?? 0) >= entry.lastSeq || entry.lastSeq === 0) return;
    marked.current.set(open, entry.lastSeq);
    // A failed read receipt is resent with the next message or the next time it is opened.
    client.markRead(open, entry.lastSeq).catch(() => marked.current.delete(open));
  }, [client, open, entry, connection]);

  const items = list?.items.length ?? 0;
  const nearTop = items - scroll <= visibleRows;
  useEffect(() => {
    if (open === undefined || !nearTop) return;
    if (list && (!list.hasOlder || list.loadingOlder)) return;
    void actions.loadOlder(open);
  }, [actions, open, nearTop, list]);

  useEffect(() => {
    if (open === undefined || text === '' || text.startsWith('/')) return;
    const now = Date.now();
    if (lastTyping.current.conversation === open && now - lastTyping.current.at < TYPING_EVERY_MS) return;
    lastTyping.current = { conversation: open, at: now };
    // Typing notices are best effort: offline, there is nobody to tell.
    client.request({ t: 'typing', conversation: open }).catch(() => undefined);
  }, [client, open, text]);
}
