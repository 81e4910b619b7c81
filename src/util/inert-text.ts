/**
 * Text from other people made safe for a terminal: C0 and C1 control characters (escape sequences,
 * carriage returns, bells) and bidirectional overrides are shown as visible escapes instead of being
 * obeyed, so no message can move the cursor, change colours or disguise itself. Newlines are kept
 * as `\n` unless `keepNewlines`.
 */
export function inert(text: string, keepNewlines = false): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (char) => {
    if (keepNewlines && char === '\n') return char;
    const code = char.codePointAt(0)!;
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
