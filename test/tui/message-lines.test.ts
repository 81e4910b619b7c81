import { describe, expect, it } from 'vitest';
import { appReducer, createInitialState, type Action } from '../../src/tui/state/app-reducer.js';
import { messageLines } from '../../src/tui/text/message-lines.js';
import type { AppState } from '../../src/tui/state/types.js';
import { direct, group, user } from './fake-client.js';

const ME = { id: 1, name: 'alice', fingerprint: 'fp' };

function header(s: AppState, conversation: number, cid: string): string {
  const item = s.chat.messages[conversation]!.items.find((m) => m.cid === cid)!;
  return messageLines(s, conversation, item, 60)[0]!
    .segments.map((x) => x.text)
    .join('');
}

function sent(conversation: number, cid: string, seq: number): Action[] {
  return [
    { type: 'ownQueued', conversation, cid, text: 'hello', ts: 1 },
    { type: 'ownSent', cid, conversation, seq, ts: 2 },
  ];
}

describe('own message marks', () => {
  const start: Action[] = [
    { type: 'users', users: [user(2, 'bob'), user(3, 'carol')] },
    { type: 'conversations', views: [direct(10, 1, 2), group(20, 'team', [1, 2, 3])] },
  ];

  it('in a direct conversation: ✓ sent, ✓✓ delivered, ✓✓ read', () => {
    let s = [...start, ...sent(10, 'd', 1)].reduce(appReducer, createInitialState(ME, 'h:1'));
    expect(header(s, 10, 'd')).toMatch(/▸ alice ✓ sent$/);
    s = appReducer(s, { type: 'receipt', conversation: 10, user: 2, delivered: 1, read: 0 });
    expect(header(s, 10, 'd')).toMatch(/▸ alice ✓✓ delivered$/);
    s = appReducer(s, { type: 'receipt', conversation: 10, user: 2, delivered: 1, read: 1 });
    expect(header(s, 10, 'd')).toMatch(/▸ alice ✓✓ read$/);
  });

  it('in a group: how many have read it, until all have', () => {
    let s = [...start, ...sent(20, 'g', 4)].reduce(appReducer, createInitialState(ME, 'h:1'));
    s = appReducer(s, { type: 'receipt', conversation: 20, user: 2, delivered: 4, read: 4 });
    expect(header(s, 20, 'g')).toMatch(/▸ alice ✓ read by 1\/2$/);
    s = appReducer(s, { type: 'receipt', conversation: 20, user: 3, delivered: 4, read: 0 });
    expect(header(s, 20, 'g')).toMatch(/▸ alice ✓✓ read by 1\/2$/);
    s = appReducer(s, { type: 'receipt', conversation: 20, user: 3, delivered: 4, read: 4 });
    expect(header(s, 20, 'g')).toMatch(/▸ alice ✓✓ read$/);
  });
});

describe('the signed send time', () => {
  const start: Action[] = [
    { type: 'users', users: [user(2, 'bob')] },
    { type: 'conversations', views: [direct(10, 1, 2)] },
  ];
  const received = (cid: string, ts: number, sentAt: number): Action => ({
    type: 'received',
    messages: [{ conversation: 10, seq: 1, mid: 1, cid, from: 2, kind: 'message', text: 'hi', sentAt, ts, trust: 'verified' }],
  });
  const ts = new Date(2026, 11, 3, 14, 30).getTime();

  it('is shown beside the server time when they are more than two minutes apart (a line queued offline, or stored again)', () => {
    const s = [...start, received('late', ts, ts - 4 * 3600_000)].reduce(appReducer, createInitialState(ME, 'h:1'));
    expect(header(s, 10, 'late')).toBe('14:30 bob ✓ (sent 10:30)');
    const older = [...start, received('old', ts, new Date(2026, 10, 20, 9, 5).getTime())].reduce(appReducer, createInitialState(ME, 'h:1'));
    expect(header(older, 10, 'old')).toBe('14:30 bob ✓ (sent 2026-11-20 09:05)');
  });

  it('is not shown when it is within two minutes of the server time', () => {
    const s = [...start, received('now', ts, ts - 90_000)].reduce(appReducer, createInitialState(ME, 'h:1'));
    expect(header(s, 10, 'now')).toBe('14:30 bob ✓');
  });
});
