import { describe, expect, it } from 'vitest';
import type { SessionView } from '../../src/protocol/index.js';
import { KEYS, pasted } from '../support/render-tui.js';
import { fixtureClient, renderApp } from './render-app.js';

const DAY = 86_400_000;
function session(id: number, current = false): SessionView {
  const createdAt = Date.UTC(2026, 11, 1, 9, id);
  return { id, createdAt, lastUsedAt: createdAt + 60_000, expiresAt: createdAt + 30 * DAY, current };
}

async function typeLine(ui: Awaited<ReturnType<typeof renderApp>>['ui'], text: string): Promise<void> {
  await ui.press('/');
  await ui.press(...text.slice(1).split(''));
  await ui.press(KEYS.enter);
}

describe('/sessions', () => {
  it('lists the sessions, this terminal marked; Enter ends the selected one and the list is loaded again', async () => {
    const client = fixtureClient();
    client.sessionList = [session(7, true), session(5), session(3)];
    const { ui } = await renderApp(client);
    await typeLine(ui, '/sessions');
    const frame = await ui.waitFor((f) => f.includes('Sessions') && f.includes('this terminal ·') && /\b3\s+since/.test(f));
    expect(frame).toMatch(/\b7\s+this terminal · since 2026-12-01 \d\d:\d\d · last login/);
    expect(frame).toMatch(/\b5\s+since/);
    // Enter on this terminal's own session ends nothing.
    await ui.press(KEYS.enter);
    await ui.waitFor('that is this terminal');
    expect(client.endedSessions).toEqual([]);
    await ui.press(KEYS.down);
    await ui.press(KEYS.enter);
    await ui.waitFor((f) => f.includes('ended session 5') && !/\b5\s+since/.test(f));
    expect(client.endedSessions).toEqual([5]);
    await ui.press(KEYS.escape);
    await ui.waitFor((f) => !f.includes('Sessions ('));
  });

  it('/sessions end others ends every session but this one; /sessions end ID one; bad ids are refused with the usage', async () => {
    const client = fixtureClient();
    client.sessionList = [session(7, true), session(5), session(3), session(2)];
    const { ui } = await renderApp(client);
    await typeLine(ui, '/sessions end 3');
    await ui.waitFor('ended session 3');
    await typeLine(ui, '/sessions end 7');
    await ui.waitFor('that is this terminal; /quit leaves it');
    await typeLine(ui, '/sessions end x1');
    await ui.waitFor('not a session id: x1 (usage: /sessions [end ID|others])');
    await typeLine(ui, '/sessions end others');
    await ui.waitFor('ended 2 other sessions');
    expect(client.endedSessions).toEqual([3, 5, 2]);
    expect(client.sessionList.map((s) => s.id)).toEqual([7]);
  });
});

describe('/password', () => {
  it('finding 7: a guessable new password is refused with the reason before it is typed again', async () => {
    const client = fixtureClient();
    const { ui } = await renderApp(client);
    await typeLine(ui, '/password');
    await ui.waitFor('Change your password');
    await ui.press(...'old password'.split(''), KEYS.enter, ...'1234'.split(''), KEYS.enter);
    await ui.waitFor((f) => f.includes('too easy to guess') && /new password: {5}\S* ?\s/.test(f));
    // Still on the new password, emptied; a strong one goes on.
    await ui.press(...'lamp orbit violet'.split(''), KEYS.enter, ...'lamp orbit violet'.split(''), KEYS.enter);
    await ui.waitFor('password changed');
    expect(client.passwordChanges).toEqual([['old password', 'lamp orbit violet']]);
  });

  it('asks for the current password and the new one twice, never showing them, and changes it', async () => {
    const client = fixtureClient();
    const { ui } = await renderApp(client);
    await typeLine(ui, '/password');
    await ui.waitFor('Change your password');
    await ui.press(...'old password'.split(''), KEYS.enter);
    await ui.press(...'correct horse'.split(''), KEYS.enter);
    // A pasted copy goes in whole; its line end does not submit it.
    await ui.press(pasted('correct horse\r\n'));
    const typed = await ui.waitFor((f) => f.includes('new, again:       •••••••••••••'));
    expect(typed).not.toContain('correct horse');
    expect(typed).not.toContain('old password');
    await ui.press(KEYS.enter);
    await ui.waitFor('password changed: every other session is signed out');
    expect(client.passwordChanges).toEqual([['old password', 'correct horse']]);
  });

  it('a wrong current password, or two new ones that differ, are said and nothing changes; Esc cancels', async () => {
    const client = fixtureClient();
    const { ui } = await renderApp(client);
    await typeLine(ui, '/password');
    await ui.waitFor('Change your password');
    await ui.press(...'guess'.split(''), KEYS.enter, ...'lamp orbit violet'.split(''), KEYS.enter);
    await ui.waitFor('new, again:');
    await ui.press(...'lamp orbit violet'.split(''), KEYS.enter);
    await ui.waitFor('the current password is wrong');
    await ui.press(
      ...'old password'.split(''),
      KEYS.enter,
      ...'lamp orbit violet'.split(''),
      KEYS.enter,
      ...'lamp orbit violes'.split(''),
      KEYS.enter,
    );
    await ui.waitFor('the two new passwords differ');
    expect(client.passwordChanges).toEqual([]);
    await ui.press(KEYS.escape);
    await ui.waitFor((f) => !f.includes('Change your password'));
    expect(client.password).toBe('old password');
  });
});

describe('/block and /unblock', () => {
  it('block a user by name, list the blocked with /unblock alone, and lift it', async () => {
    const client = fixtureClient();
    const { ui } = await renderApp(client);
    await typeLine(ui, '/block carol');
    await ui.waitFor('blocked carol: their direct messages to you are refused');
    expect(client.blockedIds).toEqual([3]);
    await typeLine(ui, '/unblock');
    await ui.waitFor('you blocked: carol');
    await typeLine(ui, '/unblock carol');
    await ui.waitFor('unblocked carol');
    expect(client.blockedIds).toEqual([]);
    await typeLine(ui, '/block nobody');
    await ui.waitFor('/block: no user named nobody');
  });
});
