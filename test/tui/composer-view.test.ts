import { describe, expect, it } from 'vitest';
import { composerRows, composerWindow, wrapRows, COMPOSER_MAX_ROWS } from '../../src/tui/text/composer-view.js';
import { displayWidth } from '../../src/tui/text/display-width.js';
import { CORPUS_LINE } from '../support/emoji-corpus.js';

describe('composer view', () => {
  it('wraps by offsets at spaces, inside long words, at newlines; never wider than the box', () => {
    const text = 'hello big world\nabcdefghijkl';
    const rows = wrapRows(text, 9).map((r) => text.slice(r.start, r.end));
    expect(rows).toEqual(['hello big', 'world', 'abcdefghi', 'jkl']);
    const emoji = `${CORPUS_LINE} ${CORPUS_LINE.replaceAll(' ', '')}`.repeat(3);
    for (const width of [3, 7, 10, 23]) {
      for (const row of wrapRows(emoji, width)) expect(displayWidth(emoji.slice(row.start, row.end))).toBeLessThanOrEqual(width);
    }
  });

  it('shows at most six rows, with the cursor on one of them, and says what is out of view', () => {
    const text = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
    const end = composerWindow(text, text.length, 30);
    expect(end.rows).toHaveLength(COMPOSER_MAX_ROWS);
    expect(text.slice(end.rows[end.cursorRow]!.start, end.rows[end.cursorRow]!.end)).toBe('line 39');
    expect(end.hiddenAbove).toBeGreaterThan(0);
    expect(end.hiddenBelow).toBe(0);
    const start = composerWindow(text, 0, 30);
    expect(start.cursorRow).toBe(0);
    expect(text.slice(start.rows[0]!.start, start.rows[0]!.end)).toBe('line 0');
    expect(start.hiddenBelow).toBeGreaterThan(0);
    expect(composerRows(text, 30)).toBe(COMPOSER_MAX_ROWS);
    expect(composerRows('', 30)).toBe(1);
  });

  it('in a 100,000-character paste of emoji, the rows around the cursor are whole graphemes that fit', () => {
    const text = `${CORPUS_LINE} `.repeat(Math.ceil(100_000 / (CORPUS_LINE.length + 1))).slice(0, 100_000);
    for (const cursor of [0, 50_000, text.length]) {
      // A cursor on a grapheme boundary: step back to one from the middle.
      const at = cursor === 50_000 ? text.indexOf(' ', cursor) : cursor;
      const view = composerWindow(text, at, 40);
      expect(view.rows.length).toBeLessThanOrEqual(COMPOSER_MAX_ROWS);
      const row = view.rows[view.cursorRow]!;
      expect(row.start).toBeLessThanOrEqual(at);
      expect(row.end).toBeGreaterThanOrEqual(at);
      for (const r of view.rows) {
        const shown = text.slice(r.start, r.end);
        expect(displayWidth(shown)).toBeLessThanOrEqual(40);
        expect(shown).not.toMatch(/^[\u{1f3fb}-\u{1f3ff}\u200d\ufe0f\u0300-\u036f]/u);
      }
    }
  });
});
