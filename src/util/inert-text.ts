/**
 * Characters a terminal would obey, or that hide or disguise text: C0 and C1 controls (escape
 * sequences, carriage returns, bells), bidirectional overrides, isolates and marks, invisible
 * characters (zero width space, word joiner, soft hyphen, invisible operators, fillers that draw as
 * nothing, the deprecated format characters, the byte order mark), interlinear annotation marks,
 * line / paragraph separators, and tag characters (invisible copies of ASCII that can carry hidden
 * text). The zero width (non-)joiners are not here: emoji and several scripts need them.
 */
const UNSAFE_SOURCE =
  '[\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u115f\\u1160\\u180e\\u200b\\u200e\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\u3164\\ufeff\\uffa0\\ufff9-\\ufffb]|[\\u{e0000}-\\u{e007f}]';

/** Combining marks kept on one character; past these they are shown as escapes (a Zalgo tower cannot draw over other lines). */
export const MAX_COMBINING_MARKS = 8;

/** A subdivision flag (🏴 then its tag letters and the cancel tag): the one use of tag characters kept. */
const FLAG_TAGS_SOURCE = '\\u{1f3f4}[\\u{e0020}-\\u{e007e}]{2,7}\\u{e007f}';
const MARK_RUN_SOURCE = `\\p{M}{${MAX_COMBINING_MARKS + 1},}`;

const FOR_TERMINAL = new RegExp(`(${FLAG_TAGS_SOURCE})|(${MARK_RUN_SOURCE})|${UNSAFE_SOURCE}`, 'gu');
const FOR_JSON = new RegExp(`${MARK_RUN_SOURCE}|${UNSAFE_SOURCE}`, 'gu');

/**
 * Text from other people made safe for a terminal: every character above is shown as a visible
 * escape (`\x1b`, `\u202e`, `\u{e0041}`) instead of being obeyed, so no message or name can move the
 * cursor, change colours, set the title, write the clipboard, reorder or hide text, or break a pane's
 * layout; combining marks past MAX_COMBINING_MARKS on one character are escaped too. Newlines are kept
 * as `\n` unless `keepNewlines`. Idempotent: what it returns holds nothing it would change.
 */
export function inert(text: string, keepNewlines = false): string {
  return text.replace(FOR_TERMINAL, (match: string, flag: string | undefined, marks: string | undefined) => {
    if (flag !== undefined) return flag;
    if (marks !== undefined) {
      const chars = [...marks];
      return chars.slice(0, MAX_COMBINING_MARKS).join('') + chars.slice(MAX_COMBINING_MARKS).map(visibleEscape).join('');
    }
    if (keepNewlines && match === '\n') return match;
    return visibleEscape(match);
  });
}

/** True when inert() would change the text (a subdivision flag aside): for refusing names that would not show as written. */
export function hasUnsafeCharacters(text: string): boolean {
  return inert(text) !== text;
}

/**
 * JSON for a terminal or a script: the same value JSON.parse reads back, with every character inert()
 * would escape written as a `\uXXXX` escape, so printing the line obeys nothing (JSON.stringify leaves
 * DEL, C1 controls, bidi and invisible characters raw).
 */
export function inertJson(value: unknown): string {
  return JSON.stringify(value).replace(FOR_JSON, (match) => {
    let out = '';
    for (let i = 0; i < match.length; i++) out += `\\u${match.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });
}

function visibleEscape(char: string): string {
  const code = char.codePointAt(0)!;
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}
