import { describe, expect, it } from 'vitest';
import { DANGEROUS, INJECTION_CORPUS } from '../support/injection-corpus.js';
import { KEYS } from '../support/render-tui.js';
import { direct, group, message, user } from './fake-client.js';
import { fixtureClient, renderApp } from './render-app.js';

/**
 * Foreign text through the real panes (issue 10, point 5): contact names, group names and message
 * texts from the injection corpus must reach the frame inert, with no ESC, BEL, C1, bidi or invisible
 * character of theirs left to obey, and with a visible escape in their place.
 */
const HOSTILE = ['csiColour', 'osc52Clipboard', 'c1Csi', 'bidiOverride', 'zeroWidth', 'bell'] as const;

describe('inert foreign text', () => {
  it('shows hostile contact and group names and message texts as visible escapes', async () => {
    const client = fixtureClient();
    HOSTILE.forEach((key, i) => {
      client.users.push(user(100 + i, INJECTION_CORPUS[key]!));
      client.conversations.set(200 + i, direct(200 + i, 1, 100 + i, 1));
    });
    client.conversations.set(300, group(300, INJECTION_CORPUS.osc8Link!, [1, 2]));
    const { ui } = await renderApp(client);
    // Messages first: bob's chat is then the most recent contact, the one Enter opens.
    Object.values(INJECTION_CORPUS).forEach((text, i) => client.fire('message', message(10, i + 1, 2, `m${i} ${text}`)));
    await ui.waitFor(/bob\s+\(\d+\)/);
    await ui.press(KEYS.enter);
    const frame = await ui.waitFor(`m${Object.keys(INJECTION_CORPUS).length - 1} `);
    expect(frame).not.toMatch(DANGEROUS);
    expect(frame).toContain('\\x1b[31mred'); // a contact name
    expect(frame).toContain('\\x9b31mc1 red');
    expect(frame).toContain('#\\x1b]8;;'); // the group name
    expect(frame).toContain('a\\u2061b\\u2062c\\u2063d'); // a message text
    expect(frame).toContain('a\\u2028b\\u2029c'); // a message text
  });

  it('keeps every corpus entry inert as a message, whole', async () => {
    const { client, ui } = await renderApp();
    await ui.press(KEYS.enter);
    for (const [i, [label, text]] of Object.entries(INJECTION_CORPUS).entries()) {
      client.fire('message', message(10, i + 1, 2, `<${label}>${text}`));
      const frame = await ui.waitFor(`<${label}>`);
      expect(frame, label).not.toMatch(DANGEROUS);
    }
  });
});
