import { useEffect } from 'react';
import type { ClientStatus, ChatMessage } from '../../client/index.js';
import type { TuiClient } from '../chat-port.js';
import type { Action } from '../state/app-reducer.js';
import type { AppState, Connection } from '../state/types.js';

export interface ChatEventOptions {
  /** Ring the terminal bell for a message in another conversation. */
  readonly bell: boolean;
  readonly ring: () => void;
}

/** The least time between two bells, so a burst of messages rings once. */
const BELL_GAP_MS = 1000;
/** Live messages are applied in batches at most this often (a backlog of thousands renders a few times, not thousands). */
const BATCH_MS = 16;
/** How often the user directory is read again (new sign-ups are not pushed). */
const DIRECTORY_EVERY_MS = 10_000;

function connectionOf(status: ClientStatus): Connection {
  return status.state === 'closed' ? 'offline' : status.state === 'ended' ? 'signedOut' : status.state;
}

/** The reducer's `status` action for a client status: while reconnecting, when the next try is and whether the server is restarting. */
export function statusAction(status: ClientStatus, now: number): Action {
  if (status.state !== 'reconnecting') return { type: 'status', connection: connectionOf(status) };
  return {
    type: 'status',
    connection: 'reconnecting',
    retry: { at: status.nextAttemptAt, restarting: status.code === 'shutting_down' },
    now,
  };
}

/**
 * Feeds the client's events into the reducer: messages (batched), conversations, presence,
 * typing, receipts, send outcomes, status; polls the queued count and the backlog left.
 */
export function useChatEvents(
  client: TuiClient,
  dispatch: (action: Action) => void,
  getState: () => AppState,
  options: ChatEventOptions,
): void {
  const { bell, ring } = options;
  useEffect(() => {
    let pending: ChatMessage[] = [];
    let timer: NodeJS.Timeout | undefined;
    let lastBell = 0;
    const known = new Set<number>();
    const learnUsers = (ids: readonly number[]) => {
      const missing = ids.filter((id) => !known.has(id) && getState().directory.users[id] === undefined);
      if (missing.length === 0) return;
      missing.forEach((id) => known.add(id));
      client
        .request({ t: 'users', ids: missing })
        .then(({ users }) => dispatch({ type: 'users', users: users.map((u) => ({ id: u.id, name: u.name, online: u.online })) }))
        // Offline: the names show as user#id until the next conversation push looks them up again.
        .catch(() => missing.forEach((id) => known.delete(id)));
    };
    const flush = () => {
      timer = undefined;
      const batch = pending;
      pending = [];
      dispatch({ type: 'received', messages: batch });
    };
    dispatch(statusAction(client.status, Date.now()));
    const views = [...client.conversations.values()];
    dispatch({ type: 'conversations', views });
    learnUsers(views.flatMap((v) => v.members.map((m) => m.user)));
    const readDirectory = () =>
      client
        .request({ t: 'users', limit: 500 })
        .then(({ users }) => dispatch({ type: 'users', users: users.map((u) => ({ id: u.id, name: u.name, online: u.online })) }))
        // Offline: contacts come from the conversations until the directory can be read again.
        .catch(() => undefined);
    void readDirectory();
    // New sign-ups are not pushed: look at the directory again now and then.
    const directory = setInterval(() => void readDirectory(), DIRECTORY_EVERY_MS);
    const off = [
      client.on('status', (status) => dispatch(statusAction(status, Date.now()))),
      // A reconnect's sync brings what moved while offline: members' cursors (the marks), unread counts.
      client.on(
        'status',
        (status) => status.state === 'connected' && dispatch({ type: 'conversations', views: [...client.conversations.values()] }),
      ),
      client.on('message', (message) => {
        pending.push(message);
        timer ??= setTimeout(flush, BATCH_MS);
        const now = Date.now();
        if (
          bell &&
          message.kind === 'message' &&
          message.from !== getState().account.me.id &&
          message.conversation !== getState().view.open &&
          client.backlog === 0 &&
          now - lastBell > BELL_GAP_MS
        ) {
          lastBell = now;
          ring();
        }
      }),
      client.on('conversation', (view) => {
        dispatch({ type: 'conversations', views: [view] });
        learnUsers(view.members.map((m) => m.user));
      }),
      client.on('presence', (p) => {
        learnUsers([p.user]);
        dispatch({ type: 'presence', user: p.user, online: p.online });
      }),
      client.on('typing', (t) => dispatch({ type: 'typing', conversation: t.conversation, user: t.user, now: Date.now() })),
      client.on('receipt', (r) =>
        dispatch({ type: 'receipt', conversation: r.conversation, user: r.user, delivered: r.deliveredSeq, read: r.readSeq }),
      ),
      client.on('sent', (r) => dispatch({ type: 'ownSent', cid: r.cid, conversation: r.conversation, seq: r.seq, ts: r.ts })),
      client.on('failed', (f) => dispatch({ type: 'ownFailed', cid: f.cid, message: f.message })),
      // Ended for good (from another session, or the password changed): the client stops; the user is told why and how on.
      client.on(
        'status',
        (status) =>
          status.state === 'ended' &&
          dispatch({
            type: 'notice',
            notice: { level: 'error', text: `⚠ Signed out: ${status.reason}. Quit (Ctrl-C) and start fastchat again.` },
          }),
      ),
      client.on('ownKeyChanged', ({ fingerprint }) =>
        dispatch({
          type: 'notice',
          notice: {
            level: 'error',
            text: `⚠ Your identity key was replaced from another session: now ${fingerprint}. If that was you (fastchat keys new), restart fastchat to use it; if not, someone has your password and your key.`,
          },
        }),
      ),
    ];
    const poll = setInterval(() => {
      const state = getState();
      if (state.link.queued !== client.outbox.size) dispatch({ type: 'queued', count: client.outbox.size });
      if (state.link.backlog !== client.backlog) dispatch({ type: 'backlog', count: client.backlog, total: client.backlogTotal });
      dispatch({ type: 'tick', now: Date.now() });
    }, 500);
    return () => {
      off.forEach((unsubscribe) => unsubscribe());
      clearInterval(poll);
      clearInterval(directory);
      if (timer) {
        clearTimeout(timer);
        flush();
      }
    };
  }, [client, dispatch, getState, bell, ring]);
}
