import { Box, renderToString, Text } from 'ink';
import { createElement } from 'react';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { displayWidth, padEnd, truncate, wrapText } from '../../src/tui/text/display-width.js';
import { CORPUS_LINE, WIDTH_CORPUS } from '../support/emoji-corpus.js';

/** How Ink lays out `text` in a box `width` columns wide: the rows it draws. */
function inkRows(text: string, width: number, wrap: 'wrap' | 'truncate-end' = 'wrap'): string[] {
  return renderToString(createElement(Box, { width }, createElement(Text, { wrap }, text)), { columns: 200 }).split('\n');
}

describe('display width', () => {
  it('measures columns, not code units: CJK and emoji are 2, combining marks 0', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('你好')).toBe(4);
    expect(displayWidth('👋🏽')).toBe(2);
    expect(displayWidth('👨‍👩‍👧')).toBe(2);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('한국어')).toBe(6);
  });

  it('measures flags, keycaps, VS16 and VS15 as Unicode (and Ink) do', () => {
    expect(displayWidth('🇫🇮')).toBe(2);
    expect(displayWidth('1️⃣')).toBe(2);
    expect(displayWidth('❤️')).toBe(2);
    expect(displayWidth('☺︎')).toBe(1);
    expect(displayWidth('e\u0342')).toBe(1);
    expect(displayWidth('ＡＢＣ')).toBe(6);
    expect(displayWidth('ｱｲｳ')).toBe(3);
  });

  it.each(WIDTH_CORPUS)('%s: agrees with what Ink measures (string-width), alone and in a line', (_label, text) => {
    expect(displayWidth(text)).toBe(stringWidth(text));
    expect(displayWidth(`ab ${text} cd`)).toBe(stringWidth(`ab ${text} cd`));
  });

  it('pads and truncates to columns', () => {
    expect(displayWidth(padEnd('你好', 7))).toBe(7);
    expect(truncate('你好世界', 5)).toBe('你好…');
    expect(displayWidth(padEnd('👋🏽👋🏽👋🏽', 4))).toBe(4);
  });

  it('wraps at spaces, splits long words without breaking a grapheme, keeps newlines', () => {
    expect(wrapText('hello big world', 9)).toEqual(['hello big', 'world']);
    expect(wrapText('你好世界你好', 5)).toEqual(['你好', '世界', '你好']);
    expect(wrapText('a\nb', 10)).toEqual(['a', 'b']);
    for (const line of wrapText('e\u0301'.repeat(20), 7)) expect(displayWidth(line)).toBeLessThanOrEqual(7);
  });

  it('every line the corpus is wrapped, truncated or padded to is drawn by Ink on ONE row of that width', () => {
    const text = `${CORPUS_LINE} ${CORPUS_LINE.replaceAll(' ', '')}`;
    for (const width of [7, 10, 13, 20, 33]) {
      for (const line of wrapText(text, width)) {
        expect(displayWidth(line)).toBeLessThanOrEqual(width);
        expect(inkRows(line, width)).toHaveLength(1);
      }
      for (const [, sample] of [['all', text] as const, ...WIDTH_CORPUS]) {
        expect(displayWidth(padEnd(sample.repeat(8), width))).toBe(width);
        const cut = truncate(sample.repeat(8), width);
        expect(displayWidth(cut)).toBeLessThanOrEqual(width);
        // Ink draws our cut as it is: it neither wraps it nor cuts it again.
        expect(inkRows(cut, width, 'truncate-end')).toEqual([cut]);
      }
    }
  });
});
