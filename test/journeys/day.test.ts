import { afterEach, expect } from 'vitest';
import { itOnEachDataStore } from '../support/databases.js';
import { Day, textsFrom } from './support/day.js';
import { EMOJI_CORPUS } from './support/emoji-corpus.js';
import { ENTER, type TuiUser } from './support/tui-user.js';

/**
 * A day of real use, as people live it: three people at real `fastchat tui`s in pseudo-terminals and
 * a fourth at the command line, against a real fastchat-server that is stopped and started again
 * under them, killed and started again, while they type. One of them moves to a new device, one
 * leaves a group and is added back, and they type fast, paste, and write in emoji.
 *
 * What it asserts is what the product promises them: no TUI ever exits on its own; every message
 * typed is stored exactly once, in the order its sender typed it (checked from a fresh device per
 * person, so from what the server really holds and the key backup really opens); each sender ends
 * seeing "read"; and no frame ever draws a row wider than the terminal.
 */
let day: Day | undefined;

afterEach(async () => {
  await day?.close();
  day = undefined;
});

const PASSWORDS: Record<string, string> = {
  alice: 'correct horse alice',
  bob: 'battery staple bob',
  carol: 'carol in the kitchen',
  dave: 'dave at the shell',
};

function expectAllAlive(...tuis: TuiUser[]): void {
  for (const tui of tuis) {
    expect(tui.exitCode, `${tui.name}'s TUI exited; screen:\n${tui.screen.text()}`).toBeUndefined();
    expect(tui.violations, `${tui.name}'s frames`).toEqual([]);
  }
}

itOnEachDataStore(
  'a day of real use',
  'sign-ups, DMs, a group, restarts and a crash under typing, a new device, leave and re-add, bursts, emoji and a paste',
  async (store) => {
    const d = (day = await Day.begin(store.args));
    const sent: Record<string, string[]> = { alice: [], bob: [], carol: [], dave: [] };
    const say = async (tui: TuiUser, text: string) => {
      sent[tui.name]!.push(text);
      await tui.say(text);
    };

    // Morning: three sign up on the login screen, one at the shell.
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((name) => d.tui(name)));
    await Promise.all([
      alice!.enter('signup', PASSWORDS.alice!),
      bob!.enter('signup', PASSWORDS.bob!),
      carol!.enter('signup', PASSWORDS.carol!),
    ]);
    expect((await d.cli('dave', PASSWORDS.dave!, ['signup', 'dave'])).code).toBe(0);

    // Direct messages both ways.
    await alice!.command('/msg bob');
    await alice!.waitFor('bob · online');
    await say(alice!, 'morning bob');
    await say(alice!, 'coffee at ten?');
    await alice!.waitFor(/coffee at ten\?.*\n?.*/);
    await bob!.command('/msg alice');
    await bob!.waitFor('coffee at ten?');
    await say(bob!, 'yes, see you there');
    await alice!.waitFor('yes, see you there');

    // A group.
    await carol!.command('/group create team alice bob');
    await carol!.waitFor('#team · 3 members');
    await say(carol!, 'welcome to team');
    const daveSend = await d.cli('dave', PASSWORDS.dave!, ['--user', 'dave', 'send', 'alice', 'hi alice, dave here']);
    expect(daveSend.code, daveSend.stderr).toBe(0);
    sent.dave!.push('hi alice, dave here');

    // The server is stopped (SIGTERM) while alice is typing; she finishes and sends, and sends again.
    await alice!.screen.type('typed while the ser');
    expect(await d.stopServer('SIGTERM')).toBe(0);
    await Promise.all([alice!, bob!, carol!].map((tui) => tui.waitForStatus(/server restarting|reconnecting/)));
    sent.alice!.push('typed while the server stopped');
    await alice!.say('ver stopped');
    await say(alice!, 'and one more while it is down');
    await alice!.waitFor(/◷ queued/);
    await say(bob!, 'bob, also offline');
    expectAllAlive(alice!, bob!, carol!);
    await d.startServer();
    await Promise.all([alice!, bob!, carol!].map((tui) => tui.waitForStatus('● connected', 60_000)));
    await bob!.waitFor('and one more while it is down');
    await alice!.waitFor('bob, also offline');

    // The server is killed outright while carol writes to the group, and comes back.
    await carol!.screen.type('during the crash');
    expect(await d.stopServer('SIGKILL')).toBeNull();
    await carol!.waitForStatus(/reconnecting/);
    sent.carol!.push('during the crash');
    await carol!.screen.type('\r');
    await d.startServer();
    await Promise.all([alice!, bob!, carol!].map((tui) => tui.waitForStatus('● connected', 60_000)));
    expectAllAlive(alice!, bob!, carol!);

    // Carol moves to a new device: a fresh home, her key from the server's backup; the backlog clears.
    await carol!.command('/quit');
    expect(await carol!.screen.exited).toBe(0);
    const carol2 = await d.tui('carol', 'carol-laptop');
    await carol2.enter('login', PASSWORDS.carol!);
    await carol2.waitForStatus((s) => !/backlog/.test(s) && /● connected/.test(s));
    await carol2.open('team');
    await carol2.waitFor('during the crash');
    await say(carol2, 'hello from my laptop');

    // Bob leaves the group: its composer closes; what carol says then never reaches him; added back, he reads on.
    await bob!.open('team');
    await bob!.command('/leave');
    await bob!.waitFor(/you left|left #team/);
    await say(carol2, 'said while bob was away');
    await carol2.command('/group add bob');
    // The command's own line: "carol added bob" is on the screen since the group began.
    await carol2.waitFor('added bob to #team');
    await say(carol2, 'welcome back bob');
    await bob!.waitFor('welcome back bob');
    expect(bob!.screen.text()).not.toContain('said while bob was away');

    // Fast hands: a burst of typing with corrections, the emoji corpus, and a 10,000-character paste.
    await alice!.open('bob');
    await alice!.screen.type('teh\u007f\u007fhe quick fix\u001b[D\u001b[D\u001b[D\u0004', '\r');
    sent.alice!.push('the quick ix');
    for (const line of EMOJI_CORPUS) {
      sent.alice!.push(line);
      await alice!.screen.type(`${line}${ENTER}`);
    }
    const paste = Array.from({ length: 10_000 - 12 }, (_, i) => 'abcdefghijklmnopqrstuvwxyz0123456789 '[i % 37]).join('') + 'END-OF-PASTE';
    sent.alice!.push(paste);
    // As a terminal delivers it (bracketed), with the Enter that follows in the same burst.
    await alice!.screen.paste(paste);
    await alice!.screen.type(ENTER);
    // The paste is taller than the pane: a short last word shows its mark.
    await say(alice!, 'that was the paste');
    await alice!.waitFor(/▸ alice[^\n]*✓✓ (delivered|read)[^\n]*\n[^\n]*that was the paste/, 60_000);
    await bob!.open('alice');
    await alice!.waitFor(/▸ alice[^\n]*✓✓ read/, 60_000);
    await carol2.waitFor(/▸ carol[^\n]*✓✓ read/, 60_000);
    await alice!.frameIntact();
    await bob!.frameIntact();
    expectAllAlive(alice!, bob!, carol2);

    // What the server holds, read from a fresh device per person: every message once, in typed order.
    const dm = await d.history('bob', PASSWORDS.bob!, { with: 'alice' });
    expect(textsFrom(dm, 'alice')).toEqual(sent.alice);
    expect(textsFrom(dm, 'bob')).toEqual(sent.bob);
    expect(dm.filter((m) => m.kind === 'message').every((m) => m.verified)).toBe(true);
    const team = await d.history('alice', PASSWORDS.alice!, { group: 'team' });
    expect(textsFrom(team, 'carol')).toEqual(sent.carol);
    const teamForBob = await d.history('bob', PASSWORDS.bob!, { group: 'team' });
    // Added back, bob's window starts again at his re-add (protocol.md § Membership windows).
    expect(textsFrom(teamForBob, 'carol')).toEqual(sent.carol!.slice(sent.carol!.indexOf('welcome back bob')));
    const daves = await d.history('alice', PASSWORDS.alice!, { with: 'dave' });
    expect(textsFrom(daves, 'dave')).toEqual(sent.dave);

    // Evening: everyone quits; each TUI leaves with status 0.
    for (const tui of [alice!, bob!, carol2]) {
      await tui.command('/quit');
      expect(await tui.screen.exited).toBe(0);
    }
  },
  420_000,
);
