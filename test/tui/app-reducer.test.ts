import { describe, expect, it } from 'vitest';
import { appReducer, createInitialState, TYPING_TTL_MS, type Action } from '../../src/tui/state/app-reducer.js';
import { composerReducer } from '../../src/tui/state/composer-reducer.js';
import { fuzzyFilter } from '../../src/tui/state/fuzzy.js';
import {
  composeRefusal,
  contactRows,
  deliveryState,
  groupRows,
  nextUnread,
  readCount,
  typingNames,
} from '../../src/tui/state/selectors.js';
import type { AppState } from '../../src/tui/state/types.js';
import { direct, group, message, user } from './fake-client.js';

const ME = { id: 1, name: 'alice', fingerprint: 'fp' };

function reduce(actions: Action[], state: AppState = createInitialState(ME, 'h:1')): AppState {
  return actions.reduce(appReducer, state);
}

const base: Action[] = [
  { type: 'users', users: [user(2, 'bob'), user(3, 'carol', false), user(4, 'dave', false)] },
  { type: 'conversations', views: [{ ...direct(10, 1, 2, 3, 1), unread: 2 }, direct(11, 1, 3), group(20, 'team', [1, 2, 3])] },
];

describe('appReducer', () => {
  it('counts unread from the view, then from live messages of others, and clears it on open', () => {
    let s = reduce(base);
    expect(s.directory.conversations[10]!.unread).toBe(2);
    s = reduce([{ type: 'received', messages: [message(10, 4, 2, 'x'), message(10, 5, 1, 'mine')] }], s);
    expect(s.directory.conversations[10]!.unread).toBe(3);
    s = reduce([{ type: 'open', conversation: 10 }], s);
    expect(s.directory.conversations[10]!.unread).toBe(0);
    expect(s.view.focus).toBe('composer');
    s = reduce([{ type: 'received', messages: [message(10, 6, 2, 'seen at once')] }], s);
    expect(s.directory.conversations[10]!.unread).toBe(0);
  });

  it('sorts contacts by recent activity, then online, then name; groups apart', () => {
    let s = reduce(base);
    expect(contactRows(s).map((r) => r.user.name)).toEqual(['bob', 'carol', 'dave']);
    s = reduce([{ type: 'received', messages: [message(11, 1, 3, 'hi', { ts: 5000 })] }], s);
    expect(contactRows(s).map((r) => r.user.name)).toEqual(['carol', 'bob', 'dave']);
    expect(groupRows(s).map((g) => g.name)).toEqual(['team']);
    expect(groupRows(s)[0]!.memberIds).toHaveLength(3);
  });

  it('appends live messages in seq order, prepends older pages without duplicates', () => {
    let s = reduce([...base, { type: 'received', messages: [message(20, 5, 2, 'five'), message(20, 7, 2, 'seven')] }]);
    s = reduce([{ type: 'received', messages: [message(20, 6, 3, 'six')] }], s);
    s = reduce(
      [{ type: 'olderLoaded', conversation: 20, messages: [message(20, 3, 2, 'three'), message(20, 5, 2, 'five again')], hasOlder: false }],
      s,
    );
    expect(s.chat.messages[20]!.items.map((m) => m.text)).toEqual(['three', 'five', 'six', 'seven']);
    expect(s.chat.messages[20]!.hasOlder).toBe(false);
  });

  it('tracks an own message: queued → sent → delivered → read, and failed', () => {
    let s = reduce([...base, { type: 'ownQueued', conversation: 10, cid: 'c1', text: 'hey', ts: 1 }]);
    const state = () =>
      deliveryState(
        s,
        10,
        s.chat.messages[10]!.items.find((m) => m.cid === 'c1')!,
      );
    expect(state()).toBe('queued');
    s = reduce([{ type: 'ownSent', cid: 'c1', conversation: 10, seq: 4, ts: 2 }], s);
    expect(state()).toBe('sent');
    s = reduce([{ type: 'receipt', conversation: 10, user: 2, delivered: 4, read: 0 }], s);
    expect(state()).toBe('delivered');
    s = reduce([{ type: 'receipt', conversation: 10, user: 2, delivered: 4, read: 4 }], s);
    expect(state()).toBe('read');
    s = reduce(
      [
        { type: 'ownQueued', conversation: 10, cid: 'c2', text: 'no', ts: 3 },
        { type: 'ownFailed', cid: 'c2', message: 'forbidden' },
      ],
      s,
    );
    expect(
      deliveryState(
        s,
        10,
        s.chat.messages[10]!.items.find((m) => m.cid === 'c2')!,
      ),
    ).toBe('failed');
    // A live message goes before the still-unsent own one.
    s = reduce([{ type: 'received', messages: [message(10, 5, 2, 'reply')] }], s);
    expect(s.chat.messages[10]!.items.map((m) => m.text)).toEqual(['hey', 'reply', 'no']);
  });

  it("never counts own messages as unread: the view's count from the server, and live ones", () => {
    // Alice wrote seqs 2-4 herself and bob wrote 5; the server's count is the others' messages only.
    let s = reduce([{ type: 'conversations', views: [{ ...direct(10, 1, 2, 5, 1), unread: 1 }] }]);
    expect(s.directory.conversations[10]!.unread).toBe(1);
    s = reduce([{ type: 'received', messages: [message(10, 6, 1, 'mine'), message(10, 7, 1, 'mine too')] }], s);
    expect(s.directory.conversations[10]!.unread).toBe(1);
    // A view pushed on a membership change carries no count: the one known is kept.
    s = reduce([{ type: 'conversations', views: [direct(10, 1, 2, 7, 1)] }], s);
    expect(s.directory.conversations[10]!.unread).toBe(1);
    // A new conversation pushed without a count (a group made by someone else) starts at 0, not at its events.
    s = reduce([{ type: 'conversations', views: [group(30, 'new', [1, 2], 3, 0)] }], s);
    expect(s.directory.conversations[30]!.unread).toBe(0);
  });

  it('seeds receipts from the views, so marks survive a restart; pushes and views only move them forward', () => {
    const view = group(20, 'team', [1, 2, 3, 4], 9);
    const seeded = {
      ...view,
      members: [
        { user: 1, role: 'admin' as const, deliveredSeq: 9, readSeq: 9 },
        { user: 2, role: 'member' as const, deliveredSeq: 8, readSeq: 6 },
        { user: 3, role: 'member' as const, deliveredSeq: 8 },
        { user: 4, role: 'member' as const, readSeq: 8 },
      ],
    };
    let s = reduce([{ type: 'conversations', views: [seeded] }]);
    expect(s.chat.receipts[20]).toEqual({
      1: { delivered: 9, read: 9 },
      2: { delivered: 8, read: 6 },
      3: { delivered: 8, read: 0 },
      4: { delivered: 8, read: 8 },
    });
    s = reduce(
      [
        { type: 'receipt', conversation: 20, user: 3, delivered: 9, read: 7 },
        { type: 'conversations', views: [seeded] },
      ],
      s,
    );
    expect(s.chat.receipts[20]![3]).toEqual({ delivered: 9, read: 7 });
  });

  it('shows a group message delivered once every other member has it, then read by n of them, then read', () => {
    let s = reduce([
      ...base,
      { type: 'ownQueued', conversation: 20, cid: 'g1', text: 'hi all', ts: 1 },
      { type: 'ownSent', cid: 'g1', conversation: 20, seq: 4, ts: 2 },
    ]);
    const item = () => s.chat.messages[20]!.items.find((m) => m.cid === 'g1')!;
    expect([deliveryState(s, 20, item()), readCount(s, 20, item())]).toEqual(['sent', { read: 0, of: 2 }]);
    s = reduce([{ type: 'receipt', conversation: 20, user: 2, delivered: 4, read: 0 }], s);
    expect(deliveryState(s, 20, item())).toBe('sent');
    s = reduce([{ type: 'receipt', conversation: 20, user: 3, delivered: 5, read: 0 }], s);
    expect(deliveryState(s, 20, item())).toBe('delivered');
    s = reduce([{ type: 'receipt', conversation: 20, user: 2, delivered: 4, read: 4 }], s);
    expect([deliveryState(s, 20, item()), readCount(s, 20, item())]).toEqual(['delivered', { read: 1, of: 2 }]);
    s = reduce([{ type: 'receipt', conversation: 20, user: 3, delivered: 5, read: 5 }], s);
    expect([deliveryState(s, 20, item()), readCount(s, 20, item())]).toEqual(['read', { read: 2, of: 2 }]);
  });

  it('moves focus with Tab order and goes back to the last list with Esc', () => {
    let s = reduce([...base, { type: 'focusStep', by: 1 }]);
    expect(s.view.focus).toBe('groups');
    s = reduce(
      [
        { type: 'focusStep', by: 1 },
        { type: 'focusStep', by: 1 },
      ],
      s,
    );
    expect(s.view.focus).toBe('composer');
    s = reduce([{ type: 'focusStep', by: -1 }, { type: 'back' }], s);
    expect(s.view.focus).toBe('groups');
  });

  it('keeps the view anchored when scrolled up and a message arrives; clamps scrolling', () => {
    const many = Array.from({ length: 30 }, (_, i) => message(20, i + 1, 2, `m${i + 1}`));
    let s = reduce([...base, { type: 'received', messages: many }, { type: 'open', conversation: 20 }, { type: 'scroll', by: 5 }]);
    s = reduce([{ type: 'received', messages: [message(20, 31, 2, 'new')] }], s);
    expect(s.view.scroll).toBe(6);
    s = reduce([{ type: 'scroll', by: 1000 }], s);
    expect(s.view.scroll).toBe(30);
    s = reduce([{ type: 'scrollTo', where: 'bottom' }], s);
    expect(s.view.scroll).toBe(0);
  });

  it('shows typing indicators until they expire or the person sends', () => {
    let s = reduce([...base, { type: 'typing', conversation: 10, user: 2, now: 1000 }]);
    expect(typingNames(s, 10)).toEqual(['bob']);
    s = reduce([{ type: 'tick', now: 1000 + TYPING_TTL_MS - 1 }], s);
    expect(typingNames(s, 10)).toEqual(['bob']);
    s = reduce([{ type: 'tick', now: 1000 + TYPING_TTL_MS + 1 }], s);
    expect(typingNames(s, 10)).toEqual([]);
    s = reduce(
      [
        { type: 'typing', conversation: 10, user: 2, now: 5000 },
        { type: 'received', messages: [message(10, 4, 2, 'done')] },
      ],
      s,
    );
    expect(typingNames(s, 10)).toEqual([]);
  });

  it('finds the next unread conversation, and search jumps between hits', () => {
    let s = reduce([
      ...base,
      { type: 'received', messages: [message(20, 1, 2, 'apple'), message(20, 2, 2, 'pear'), message(20, 3, 2, 'apple pie')] },
    ]);
    expect(nextUnread(s)).toBe(10);
    s = reduce([{ type: 'open', conversation: 10 }], s);
    expect(nextUnread(s)).toBe(20);
    s = reduce(
      [
        { type: 'open', conversation: 20 },
        { type: 'overlay', overlay: { kind: 'search', query: 'apple', editing: false, hits: [], index: 0, searching: true } },
      ],
      s,
    );
    const items = s.chat.messages[20]!.items;
    s = reduce([{ type: 'searchResults', hits: [items[0]!.cid, items[2]!.cid] }], s);
    expect(s.view.scroll).toBe(0);
    s = reduce([{ type: 'searchMove', by: -1 }], s);
    expect(s.view.scroll).toBe(2);
  });

  it('applies each key typed in the switcher or the search to the query of the moment, however fast they come', () => {
    // Two keys dispatched before any render: both count (a component's stale copy would keep only the last).
    let s = reduce([...base, { type: 'overlay', overlay: { kind: 'switcher', query: '', selected: 2 } }]);
    s = reduce(
      [
        { type: 'overlayQuery', edit: { append: 't' } },
        { type: 'overlayQuery', edit: { append: 'm' } },
      ],
      s,
    );
    expect(s.view.overlay).toEqual({ kind: 'switcher', query: 'tm', selected: 0 });
    s = reduce([{ type: 'overlayQuery', edit: { erase: true } }], s);
    expect(s.view.overlay).toMatchObject({ query: 't' });
    s = reduce([{ type: 'overlay', overlay: { kind: 'search', query: 'ap', editing: true, hits: [], index: 0, searching: false } }], s);
    s = reduce(
      [
        { type: 'overlayQuery', edit: { append: 'p' } },
        { type: 'overlayQuery', edit: { append: 'le' } },
      ],
      s,
    );
    expect(s.view.overlay).toMatchObject({ kind: 'search', query: 'apple', editing: true });
    // With no overlay open it changes nothing.
    const closed = reduce([{ type: 'overlay', overlay: { kind: 'none' } }], s);
    expect(reduce([{ type: 'overlayQuery', edit: { append: 'x' } }], closed)).toBe(closed);
  });
});

describe('composerReducer', () => {
  it('edits at the cursor by grapheme, and keeps pasted line ends as newlines', () => {
    let c = composerReducer({ text: '', cursor: 0 }, { type: 'insert', text: 'a👋🏽b' });
    c = composerReducer(c, { type: 'left' });
    c = composerReducer(c, { type: 'backspace' });
    expect(c.text).toBe('ab');
    c = composerReducer(c, { type: 'insert', text: 'x\r\ny\rz' });
    expect(c.text).toBe('ax\ny\nzb');
    c = composerReducer(c, { type: 'home' });
    expect(c.cursor).toBe('ax\ny\n'.length);
  });
});

describe('fuzzyFilter', () => {
  it('matches letters in order, best first', () => {
    expect(fuzzyFilter('bo', ['carol', 'bob', 'robert', 'billy-o'], (x) => x)).toEqual(['bob', 'billy-o']);
    expect(fuzzyFilter('xyz', ['bob'], (x) => x)).toEqual([]);
  });
});

describe('connection status, backlog progress and left groups', () => {
  it('counts down to the next reconnect attempt on each tick, says when the server is restarting, and forgets both once connected', () => {
    let s = reduce([{ type: 'status', connection: 'reconnecting', retry: { at: 10_000, restarting: false }, now: 6_000 }]);
    expect(s.link.retry).toEqual({ at: 10_000, restarting: false, secondsLeft: 4 });
    s = reduce([{ type: 'tick', now: 7_200 }], s);
    expect(s.link.retry!.secondsLeft).toBe(3);
    const same = reduce([{ type: 'tick', now: 7_300 }], s);
    expect(same).toBe(s);
    s = reduce([{ type: 'tick', now: 10_500 }], s);
    expect(s.link.retry!.secondsLeft).toBe(0);
    s = reduce([{ type: 'status', connection: 'reconnecting', retry: { at: 20_000, restarting: true }, now: 11_000 }], s);
    expect(s.link.retry).toEqual({ at: 20_000, restarting: true, secondsLeft: 9 });
    s = reduce([{ type: 'status', connection: 'connected' }], s);
    expect(s.link.connection).toBe('connected');
    expect(s.link.retry).toBeUndefined();
  });

  it('keeps the backlog total while the count goes down, and clears both at zero', () => {
    let s = reduce([{ type: 'backlog', count: 5000, total: 5000 }]);
    s = reduce([{ type: 'backlog', count: 1200, total: 5000 }], s);
    expect([s.link.backlog, s.link.backlogTotal]).toEqual([1200, 5000]);
    s = reduce([{ type: 'backlog', count: 0, total: 5000 }], s);
    expect([s.link.backlog, s.link.backlogTotal]).toEqual([0, 0]);
  });

  it('closes the composer of a group once left: the refusal names the group', () => {
    let s = reduce([...base, { type: 'open', conversation: 20 }]);
    expect(composeRefusal(s)).toBeUndefined();
    s = reduce([{ type: 'left', conversation: 20 }], s);
    expect(s.directory.conversations[20]!.left).toBe(true);
    expect(composeRefusal(s)).toBe('you are no longer in #team: nothing can be sent there');
    // A removal arrives as the server's view with leftSeq: the same.
    let removed = reduce([...base, { type: 'open', conversation: 20 }]);
    removed = reduce([{ type: 'conversations', views: [{ ...group(20, 'team', [2, 3]), leftSeq: 4 }] }], removed);
    expect(composeRefusal(removed)).toMatch(/no longer in #team/);
  });
});

describe('slices', () => {
  it('a composer edit changes the composer slice only: every other slice keeps its identity, so nothing else is drawn again', () => {
    const s = reduce([...base, { type: 'open', conversation: 10 }, { type: 'received', messages: [message(10, 4, 2, 'hi')] }]);
    const typed = reduce([{ type: 'composer', action: { type: 'insert', text: 'h' } }], s);
    expect(typed.composer.text).toBe('h');
    for (const slice of ['account', 'link', 'directory', 'chat', 'view'] as const) expect(typed[slice], slice).toBe(s[slice]);
  });

  it('an action that changes nothing returns the same state', () => {
    const s = reduce(base);
    expect(reduce([{ type: 'presence', user: 99, online: true }], s)).toBe(s);
    expect(reduce([{ type: 'tick', now: 1 }], s)).toBe(s);
    expect(reduce([{ type: 'queued', count: 0 }], s)).toBe(s);
  });

  it('a live message changes the directory, the chat and (scrolled up) the view, not the composer or the link', () => {
    const s = reduce([
      ...base,
      { type: 'open', conversation: 10 },
      { type: 'received', messages: [message(10, 4, 2, 'a'), message(10, 5, 2, 'b')] },
      { type: 'scroll', by: 1 },
    ]);
    const next = reduce([{ type: 'received', messages: [message(10, 6, 2, 'c')] }], s);
    expect(next.chat).not.toBe(s.chat);
    expect(next.directory).not.toBe(s.directory);
    expect(next.view.scroll).toBe(2);
    expect(next.composer).toBe(s.composer);
    expect(next.link).toBe(s.link);
  });
});
