import { describe, expect, it } from 'vitest';
import { KEYS } from '../support/render-tui.js';
import { message } from './fake-client.js';
import { fixtureClient, renderApp } from './render-app.js';

describe('contacts and groups panes', () => {
  it('show online marks, unread and member counts, sorted by recent activity; Enter opens', async () => {
    const { client, ui } = await renderApp();
    const frame = await ui.waitFor('#team');
    expect(frame).toMatch(/● bob/);
    expect(frame).toMatch(/○ carol/);
    expect(frame).toMatch(/#team\s+3 members/);
    client.fire('message', message(20, 1, 2, 'hello team'));
    client.fire('message', message(20, 2, 3, 'hi all'));
    await ui.waitFor(/#team\s+\(2\) 3 members/);
    client.fire('message', message(10, 1, 2, 'psst'));
    await ui.waitFor(/● bob\s+\(1\)/);
    client.fire('presence', { t: 'presence', user: 3, online: true });
    await ui.waitFor(/● carol/);
    // Enter on the first contact (bob, most recent) opens the conversation and clears its count.
    await ui.press(KEYS.enter);
    const open = await ui.waitFor('psst');
    expect(open).not.toMatch(/bob\s+\(1\)/);
    await ui.waitFor(() => client.reads.some(([c, s]) => c === 10 && s === 1));
    // Tab to groups, Enter opens #team.
    await ui.press(KEYS.escape, KEYS.tab, KEYS.enter);
    await ui.waitFor('hello team');
  });
});

describe('messages pane', () => {
  it('shows sender, time, day separators, verified marks, loud warnings and inert escapes', async () => {
    const { client, ui } = await renderApp();
    await ui.press(KEYS.enter);
    client.fire('message', message(10, 1, 2, 'first day', { ts: Date.UTC(2026, 10, 24, 9, 5) }));
    client.fire('message', message(10, 2, 2, 'second day', { ts: Date.UTC(2026, 10, 25, 14, 30) }));
    client.fire('message', message(10, 3, 2, 'forged?', { trust: 'unverified', reason: 'key_changed' }));
    client.fire(
      'message',
      message(10, 4, 2, undefined as unknown as string, { text: undefined, trust: 'undecryptable', reason: 'no_key' }),
    );
    client.fire('message', message(10, 5, 2, 'evil \u001b[2J\u001b[31mred\u0007'));
    const frame = await ui.waitFor('evil');
    expect(frame).toContain('Tue 2026-11-24');
    expect(frame).toContain('Wed 2026-11-25');
    expect(frame).toMatch(/09:05 bob ✓/);
    expect(frame).toContain('⚠ UNVERIFIED: KEY CHANGED');
    expect(frame).toContain('✗ UNDECRYPTABLE (no_key)');
    expect(frame).toContain('evil \\x1b[2J\\x1b[31mred\\x07');
  });

  it('shows own messages apart with their state, and a failed one with the retry key', async () => {
    const { client, ui } = await renderApp();
    await ui.press(KEYS.enter);
    await ui.press('h', 'i', KEYS.enter);
    await ui.waitFor('◷ queued');
    expect(client.sent[0]).toMatchObject({ target: { conversation: 10 }, text: 'hi' });
    client.fire('sent', { cid: 'cid-1', conversation: 10, seq: 1, mid: 1, ts: Date.now() });
    await ui.waitFor(/▸ alice ✓ sent/);
    client.fire('receipt', { t: 'receipt', conversation: 10, user: 2, deliveredSeq: 1, readSeq: 0 });
    await ui.waitFor('✓✓ delivered');
    client.fire('receipt', { t: 'receipt', conversation: 10, user: 2, deliveredSeq: 1, readSeq: 1 });
    await ui.waitFor('✓✓ read');
    await ui.press('n', 'o', KEYS.enter);
    await ui.waitFor('◷ queued');
    client.fire('failed', { cid: 'cid-2', code: 'forbidden', message: 'not a member' });
    // The mark on the header, the reason in full under the text.
    const frame = await ui.waitFor('not a member (Ctrl-R retries)');
    const rows = frame.split('\n');
    const header = rows.findIndex((row) => row.includes('▸ alice ✗ FAILED'));
    expect(rows[header + 1]).toMatch(/│\s+no\s+│/);
    expect(rows[header + 2]).toContain('not a member (Ctrl-R retries)');
    await ui.press(KEYS.ctrlR);
    await ui.waitFor(() => client.sent.length === 3);
    expect(client.sent[2]!.text).toBe('no');
  });

  it('renders only the visible window of 10,000 messages, scrolls, and loads older history on demand', async () => {
    const client = fixtureClient();
    client.historyRows.set(
      20,
      Array.from({ length: 100 }, (_, i) => message(20, i + 1, 2, `old ${i + 1}`)),
    );
    const { ui } = await renderApp(client);
    for (let seq = 101; seq <= 10_100; seq++) client.fire('message', message(20, seq, seq % 2 ? 2 : 3, `message number ${seq}`));
    // All of them listed before the conversation opens (they come in batches): opened first, it would
    // load the page before what it had (old 51-100) ahead of the Home presses below.
    await ui.waitFor('(10000) 3 members');
    await ui.press(KEYS.tab, KEYS.enter);
    const frame = await ui.waitFor('message number 10100');
    expect(frame).not.toContain('message number 101\n');
    expect(frame.split('\n').length).toBeLessThanOrEqual(24);
    await ui.press(KEYS.pageUp);
    await ui.waitFor(/newer below/);
    // In the composer Home/End move the cursor; in the messages pane (Shift-Tab) they scroll.
    await ui.press(KEYS.shiftTab, KEYS.end);
    await ui.waitFor((f) => !f.includes('newer below'));
    // Home goes to the oldest loaded; reaching it fetches the page before from the server.
    await ui.press(KEYS.home);
    await ui.waitFor('old 100');
    await ui.press(KEYS.home);
    await ui.waitFor('old 51');
  });

  it('updates typing indicators and rings the bell once for another conversation', async () => {
    const { client, ui, bells } = await renderApp();
    await ui.press(KEYS.enter);
    client.fire('typing', { t: 'typing', conversation: 10, user: 2 });
    await ui.waitFor('bob is typing…');
    client.fire('message', message(10, 1, 2, 'there'));
    await ui.waitFor((f) => f.includes('there') && !f.includes('is typing'));
    expect(bells).toHaveLength(0);
    client.fire('message', message(20, 1, 3, 'ping 1'));
    client.fire('message', message(20, 2, 3, 'ping 2'));
    await ui.waitFor(/#team\s+\(2\)/);
    expect(bells).toHaveLength(1);
  });

  it('sends throttled typing notices while writing', async () => {
    const { client, ui } = await renderApp();
    await ui.press(KEYS.enter, 'a', 'b', 'c');
    await ui.waitFor('abc');
    expect(client.requests.filter((r) => r.t === 'typing')).toEqual([{ t: 'typing', conversation: 10 }]);
  });
});

describe('status bar', () => {
  it('shows connection state, queued count, server, user and fingerprint', async () => {
    const { client, ui } = await renderApp();
    let frame = await ui.waitFor('● connected');
    expect(frame).toContain('127.0.0.1:9000');
    expect(frame).toContain('alice');
    expect(frame).toContain('key 11111 22222 33333');
    client.outbox.size = 2;
    client.fire('status', { state: 'reconnecting', attempt: 1, delayMs: 4000, nextAttemptAt: Date.now() + 4000, reason: 'gone' });
    frame = await ui.waitFor('2 queued');
    expect(frame).toMatch(/◌ reconnecting · next try in [34] s/);
    client.fire('status', {
      state: 'reconnecting',
      attempt: 1,
      delayMs: 60_000,
      nextAttemptAt: Date.now() + 60_000,
      reason: 'gone',
      code: 'shutting_down',
    });
    frame = await ui.waitFor('server restarting');
    expect(frame).toMatch(/◌ server restarting · next try in (60|59) s/);
    client.backlog = 1200;
    client.backlogTotal = 5000;
    await ui.waitFor('decrypting backlog: 1,200 of 5,000');
    client.backlog = 0;
    await ui.waitFor((f) => !f.includes('decrypting backlog'));
    client.fire('status', { state: 'closed' });
    await ui.waitFor('○ offline');
  });
});
