/**
 * Text from other people made safe for a terminal: C0 and C1 control characters (escape sequences,
 * carriage returns, bells), bidirectional overrides, isolates and marks, invisible characters (zero
 * width space, word joiner, byte order mark) and line / paragraph separators are shown as visible
 * escapes instead of being obeyed, so no message can move the cursor, change colours, reorder or hide
 * text, or break a pane's layout. The zero width (non-)joiners stay: emoji and several scripts need
 * them. Newlines are kept as `\n` unless `keepNewlines`.
 */
export function inert(text: string, keepNewlines = false): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]/g, (char) => {
    if (keepNewlines && char === '\n') return char;
    const code = char.codePointAt(0)!;
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
