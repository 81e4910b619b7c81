import { describe, expect, it } from 'vitest';
import { MESSAGE_TEXT_MAX_BYTES } from '../../src/client/message-limit.js';
import { KEYS, pasted } from '../support/render-tui.js';
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

  it('Enter in the same read as the text sends it, in order: "hello⏎" sends, "one⏎two Alt-Enter three⏎" sends "one" then "two⏎three"', async () => {
    const { client, ui } = await renderApp();
    await ui.press(KEYS.enter);
    ui.stdin.write('hello\r');
    await ui.waitFor(() => client.sent.length === 1);
    ui.stdin.write(`one\rtwo${KEYS.altEnter}three\n`);
    await ui.waitFor(() => client.sent.length === 3);
    expect(client.sent.map((s) => s.text)).toEqual(['hello', 'one', 'two\nthree']);
  });

  it('a /command and its Enter typed fast in ONE read from the contact list run it', async () => {
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
    ui.stdin.write('/msg carol hi\r');
    await ui.waitFor(() => client.sent.length === 1);
    expect(client.sent[0]).toMatchObject({ target: { conversation: 11 }, text: 'hi' });
  });

  it('a bracketed paste keeps its line ends (CR, CRLF) as one message; the Enter after it sends', async () => {
    const { client, ui } = await renderApp();
    await ui.press(KEYS.enter);
    ui.stdin.write(pasted('a\rb\r\nc'));
    await ui.waitFor(/› a +│\n[^\n]*│ {2}b +│\n[^\n]*│ {2}c +│/);
    ui.stdin.write('\r');
    await ui.waitFor(() => client.sent.length === 1);
    // A paste ending in a line end, then Enter in the SAME read: the line end is text, Enter sends.
    ui.stdin.write(`${pasted('d\r\n')}\r`);
    await ui.waitFor(() => client.sent.length === 2);
    expect(client.sent.map((s) => s.text)).toEqual(['a\nb\nc', 'd']);
  });

  it('a paste split over several reads (markers in reads of their own, a CRLF cut in two) is one message', async () => {
    const { client, ui } = await renderApp();
    await ui.press(KEYS.enter);
    await ui.press(KEYS.pasteStart, 'line 1\r', '\nline 2\r', 'line 3', KEYS.pasteEnd);
    await ui.waitFor('line 3');
    expect(client.sent).toHaveLength(0);
    await ui.press(KEYS.enter, 'after', KEYS.enter);
    await ui.waitFor(() => client.sent.length === 2);
    expect(client.sent.map((s) => s.text)).toEqual(['line 1\nline 2\nline 3', 'after']);
    expect(ui.lastFrame()).not.toMatch(/20[01]~/);
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
