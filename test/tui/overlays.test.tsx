import { describe, expect, it } from 'vitest';
import { SLASH_COMMANDS } from '../../src/tui/commands/registry.js';
import { Command, DEFAULT_BINDINGS, describeBinding } from '../../src/tui/keys/keyBindings.js';
import { KEYS, pasted } from '../support/render-tui.js';
import { message } from './fake-client.js';
import { fixtureClient, renderApp } from './render-app.js';

describe('help overlay', () => {
  it('? opens a help listing every command and the keys; Esc closes it', async () => {
    const { ui } = await renderApp();
    await ui.press('?');
    const frame = (await ui.waitFor('fastchat help')).replaceAll('\u00a0', ' ');
    for (const c of SLASH_COMMANDS) expect(frame).toContain(c.usage);
    for (const command of [Command.QuickSwitcher, Command.NextUnread, Command.Search, Command.Newline, Command.Quit, Command.PageUp]) {
      expect(frame).toContain(describeBinding(DEFAULT_BINDINGS[command][0]!));
    }
    await ui.press(KEYS.escape);
    await ui.waitFor((f) => !f.includes('fastchat help'));
  });
});

describe('quick switcher', () => {
  it('Ctrl-K filters contacts and groups fuzzily and Enter opens the pick', async () => {
    const { ui } = await renderApp();
    await ui.press(KEYS.ctrlK);
    await ui.waitFor('Switch to');
    await ui.press('t', 'm');
    const frame = await ui.waitFor((f) => f.includes('> tm') && f.includes('#team'));
    expect(frame).not.toMatch(/^.*║ (bob|carol)/m);
    await ui.press(KEYS.enter);
    await ui.waitFor('#team · 3 members');
  });

  it('a pasted name goes in without its markers or line end (which opens nothing); typed fast with Enter, it opens', async () => {
    const { ui } = await renderApp();
    await ui.press(KEYS.ctrlK);
    await ui.waitFor('Switch to');
    await ui.press(pasted('te\r\n'));
    await ui.press('a');
    const frame = await ui.waitFor('> tea');
    expect(frame).not.toMatch(/20[01]~/);
    expect(frame).toContain('Switch to');
    ui.stdin.write('m\r');
    await ui.waitFor('#team · 3 members');
  });
});

describe('next unread and search', () => {
  it('Alt-A jumps to the next conversation with unread messages', async () => {
    const { client, ui } = await renderApp();
    client.fire('message', message(20, 1, 3, 'unread in team'));
    await ui.waitFor(/#team\s+\(1\)/);
    await ui.press(KEYS.altA);
    await ui.waitFor('unread in team');
    await ui.press(KEYS.altA);
    await ui.waitFor('no unread messages');
  });

  it('Ctrl-F searches the history, loading older pages, and ↑/↓ jump between hits', async () => {
    const client = fixtureClient();
    client.historyRows.set(
      10,
      Array.from({ length: 120 }, (_, i) => message(10, i + 1, 2, i % 40 === 0 ? `needle ${i + 1}` : `hay ${i + 1}`)),
    );
    const { ui } = await renderApp(client);
    await ui.press(KEYS.enter);
    await ui.waitFor('hay 120');
    await ui.press(KEYS.ctrlF, 'needle', KEYS.enter);
    await ui.waitFor('hit 3 of 3');
    expect(ui.lastFrame()).toContain('needle 81');
    await ui.press(KEYS.up);
    await ui.waitFor('hit 2 of 3');
    expect(ui.lastFrame()).toContain('needle 41');
    await ui.press(KEYS.up);
    await ui.waitFor((f) => (f.includes('hit 1 of 3') && f.includes('needle 1\n')) || f.includes('needle 1 '));
  });
});
