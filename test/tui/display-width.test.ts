import { describe, expect, it } from 'vitest';
import { displayWidth, padEnd, truncate, wrapText } from '../../src/tui/text/display-width.js';

describe('display width', () => {
  it('measures columns, not code units: CJK and emoji are 2, combining marks 0', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('你好')).toBe(4);
    expect(displayWidth('👋🏽')).toBe(2);
    expect(displayWidth('👨‍👩‍👧')).toBe(2);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('한국어')).toBe(6);
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
});
