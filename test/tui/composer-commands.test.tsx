import { describe, expect, it } from 'vitest';
import { KEYS, pasted } from '../support/render-tui.js';
import { group, user } from './fake-client.js';
import { renderApp } from './render-app.js';

/** Types a line into the composer (focused after opening a conversation) and presses Enter. */
async function type(ui: Awaited<ReturnType<typeof renderApp>>['ui'], line: string): Promise<void> {
  await ui.press(line, KEYS.enter);
}

describe('composer', () => {
  it('wraps long input, Alt-Enter adds a line, a pasted multi-line text is sent as one message', async () => {
    const { client, ui } = await renderApp();
    await ui.press(KEYS.enter);
    await ui.press('word '.repeat(30));
    const frame = await ui.waitFor('word word');
    expect(frame.split('\n').filter((l) => l.includes('word')).length).toBeGreaterThan(1);
    await ui.press(KEYS.enter);
    await ui.press('line one', KEYS.altEnter, 'line two', KEYS.enter);
    await ui.press(pasted('pasted 1\r\npasted 2\rpasted 3'));
    await ui.press(KEYS.enter);
    await ui.waitFor(() => client.sent.length === 3);
    expect(client.sent.map((s) => s.text)).toEqual([`${'word '.repeat(30).trim()}`, 'line one\nline two', 'pasted 1\npasted 2\npasted 3']);
  });
});

describe('slash commands', () => {
  it('/msg USER text opens the direct conversation and sends', async () => {
    const { client, ui } = await renderApp();
    client.replies.open_direct = () => ({
      conversation: {
        conversation: 11,
        kind: 'direct',
        lastSeq: 0,
        role: 'member',
        joinedSeq: 0,
        deliveredSeq: 0,
        readSeq: 0,
        members: [
          { user: 1, role: 'member' },
          { user: 3, role: 'member' },
        ],
      },
    });
    await type(ui, '/msg carol hi carol, how are you');
    await ui.waitFor(() => client.sent.length === 1);
    expect(client.sent[0]).toMatchObject({ target: { conversation: 11 }, text: 'hi carol, how are you' });
    expect(await ui.waitFor('carol · offline')).toContain('hi carol, how are you');
  });

  it('/group create, add, remove, /rename, /leave call the server and say what happened', async () => {
    const { client, ui } = await renderApp();
    client.users.push(user(4, 'dave'));
    client.replies.group_create = () => ({ conversation: group(30, 'crew', [1, 2, 4]) });
    await type(ui, '/group create crew bob dave');
    await ui.waitFor('created #crew with 3 members');
    expect(client.requests).toContainEqual({ t: 'group_create', name: 'crew', members: [2, 4] });
    await type(ui, '/group add carol');
    await ui.waitFor('added carol to #crew');
    await type(ui, '/group remove dave');
    await ui.waitFor('removed dave from #crew');
    await type(ui, '/rename the crew');
    await ui.waitFor('renamed #crew to #the crew');
    await type(ui, '/leave');
    await ui.waitFor('left #crew');
    // The composer of a group left is closed: it says so, and Enter there sends nothing.
    await type(ui, 'anyone still here?');
    await ui.waitFor(/you are no longer in #[^:]+: nothing can be sent there/);
    expect(client.sent.map((m) => m.text)).not.toContain('anyone still here?');
    expect(client.requests.map((r) => r.t)).toEqual(expect.arrayContaining(['group_add', 'group_remove', 'group_rename', 'group_leave']));
    expect(client.requests).toContainEqual({ t: 'group_rename', conversation: 30, name: 'the crew' });
  });

  it('/accept USER trusts a member of the open group the client never saw added, and says what follows', async () => {
    const { client, ui } = await renderApp();
    client.replies.group_create = () => ({ conversation: group(30, 'crew', [1, 2]) });
    await type(ui, '/group create crew bob');
    await ui.waitFor('created #crew with 2 members');
    await type(ui, '/accept carol');
    await ui.waitFor('carol accepted in #crew; Ctrl-R sends again what failed');
    expect(client.acceptedMembers).toEqual(['30:3']);
    await type(ui, '/accept');
    await ui.waitFor('name the member: /accept USER');
  });

  it('/who, /fingerprint, /fingerprint USER with a changed key', async () => {
    const { client, ui } = await renderApp();
    await ui.press(KEYS.tab, KEYS.enter);
    await type(ui, '/who');
    await ui.waitFor('3 members: alice (online), bob (online), carol');
    await type(ui, '/fingerprint');
    await ui.waitFor('your fingerprint (alice): 11111 22222 33333');
    client.keys.set(2, {
      userId: 2,
      name: 'bob',
      fingerprint: '99999',
      publicKey: undefined as never,
      changed: true,
      pinnedFingerprint: '44444',
      signedByPinned: false,
    });
    await type(ui, '/fingerprint bob');
    // Wider than the info line: it takes a second row from the messages pane instead of being cut.
    const frame = await ui.waitFor("⚠ bob's key CHANGED (NOT signed by the key you had pinned): now 99999, you");
    expect(frame).toContain('│had pinned 44444. Check it with them, then /trust bob (Esc)');
  });

  it('unknown commands and bad arguments are shown inline, never thrown', async () => {
    const { ui, quits } = await renderApp();
    await type(ui, '/frobnicate now');
    await ui.waitFor('unknown command /frobnicate; /help lists them');
    await type(ui, '/msg');
    await ui.waitFor('name someone: /msg USER [text] (usage: /msg USER [text])');
    await type(ui, '/msg nobody hi');
    await ui.waitFor('/msg: no user named nobody');
    await type(ui, '/leave');
    await ui.waitFor('open a group first');
    await type(ui, '/group explode');
    await ui.waitFor('use /group create NAME USER…');
    await type(ui, '/search');
    await ui.waitFor('give the text to find');
    await type(ui, '/help');
    await ui.waitFor('fastchat help');
    await ui.press(KEYS.escape);
    await type(ui, '/quit');
    expect(quits).toHaveLength(1);
  });
});
