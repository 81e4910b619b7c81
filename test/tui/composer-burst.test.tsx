import { describe, expect, it } from 'vitest';
import { MESSAGE_TEXT_MAX_BYTES } from '../../src/client/message-limit.js';
import { KEYS } from '../support/render-tui.js';
import { renderApp } from './render-app.js';

/** Keys that arrive in ONE read, as fast typing, a paste or a slow machine delivers them. */
describe('composer bursts', () => {
  it('Backspace, Ctrl-H, arrows and Ctrl-D inside one burst apply in order, where they fall', async () => {
    const { client, ui } = await renderApp();
    await ui.press(KEYS.enter);
    ui.stdin.write(`abc\u007f\u007f\u007fxyz\b!${KEYS.left}${KEYS.left}<${KEYS.right}\u0004>${KEYS.home}^`);
    ui.stdin.write(KEYS.enter);
    await ui.waitFor(() => client.sent.length === 1);
    // abc ⌫⌫⌫ → "", xyz ⌫ → "xy", ! → "xy!", ←← → before "y", < → "x<y!", → → before "!", Ctrl-D deletes "!", > , Home, ^.
    expect(client.sent[0]!.text).toBe('^x<y>');
  });

  it('a paste over the message limit is refused with a note and nothing is sent; Ctrl-U clears it; a 10,000-character paste is sent intact', async () => {
    const { client, ui } = await renderApp();
    await ui.press(KEYS.enter);
    const huge = 'x'.repeat(100_000);
    for (let i = 0; i < huge.length; i += 4096) ui.stdin.write(huge.slice(i, i + 4096));
    await ui.waitFor(/↑ x{20}/);
    ui.stdin.write(KEYS.enter);
    const frame = await ui.waitFor('not sent: the message is');
    expect(frame).toContain(`at most ${MESSAGE_TEXT_MAX_BYTES / 1024} KiB`);
    expect(client.sent).toHaveLength(0);
    // The layout holds: the composer keeps to its six rows and the status bar to the last.
    expect(frame.split('\n').filter((l) => /x{20}/.test(l)).length).toBeLessThanOrEqual(6);
    expect(frame.split('\n').at(-1)).toContain('● connected');
    ui.stdin.write('\u0015');
    await ui.waitFor((f) => !/x{20}/.test(f));
    const paste = Array.from({ length: 10_000 }, (_, i) => 'abcdefghi '[i % 10]).join('');
    for (let i = 0; i < paste.length; i += 4096) ui.stdin.write(paste.slice(i, i + 4096));
    await ui.waitFor(/abcdefghi/);
    ui.stdin.write(KEYS.enter);
    await ui.waitFor(() => client.sent.length === 1);
    expect(client.sent[0]!.text).toBe(paste.trimEnd());
  });
});
