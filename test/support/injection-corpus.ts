/**
 * Hostile text (issue 10, point 5): SQL metacharacters and injection attempts, control characters,
 * terminal escape sequences, bidirectional overrides and invisible characters. Every entry is text a
 * user can type or a peer can send; the server must refuse it (`bad_request`) or store and return it
 * byte for byte, and the TUI must show it without obeying it.
 */
export const INJECTION_CORPUS: Readonly<Record<string, string>> = {
  sqlDropTable: "'; DROP TABLE users; --",
  sqlAlwaysTrue: "' OR '1'='1",
  sqlComment: 'a/* */--',
  sqlNul: 'a\u0000b',
  likeWildcards: '%_%',
  backslashes: 'a\\\\b\\x00\\',
  placeholder: '$1 $2::text',
  dollarQuote: '$$; SELECT 1; $$',
  c0Controls: 'a\u0001\u0002\u0008\u000b\u000c\r\u001f\u007fz',
  bell: 'ring\u0007ring',
  csiColour: '\u001b[31mred\u001b[0m',
  csiCursor: '\u001b[2J\u001b[H\u001b[10;10Hmoved\u001b[A',
  osc52Clipboard: '\u001b]52;c;cm0gLXJmIH4=\u0007',
  osc8Link: '\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\',
  c1Csi: '\u009b31mc1 red',
  c1Osc: '\u009d0;title\u009c',
  bidiOverride: 'abc\u202etxt.exe',
  bidiIsolates: '\u2066a\u2067b\u2068c\u2069',
  bidiMarks: 'a\u200eb\u200fc\u061cd',
  zeroWidth: 'a\u200bb\u2060c\ufeffd',
  lineSeparators: 'a\u2028b\u2029c',
  // Issue 17, finding 4: what inert() let through before.
  softHyphen: 'pay\u00adpal',
  tagSmuggling: 'hi\u{e0049}\u{e0047}\u{e004e}\u{e004f}\u{e0052}\u{e0045}',
  invisibleOperators: 'a\u2061b\u2062c\u2063d\u2064e\u206af\u206fg',
  fillers: 'a\u115fb\u3164c\uffa0d\u180ee',
  zalgoTower: `z${'\u0301'.repeat(40)}`,
};

/**
 * Control, format and invisible characters a screen must never get raw from someone else, and a tower
 * of combining marks taller than util/inert-text.ts keeps (newline and tab aside: the TUI lays those out).
 */
export const DANGEROUS =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\u{e0000}-\u{e007f}]|\p{M}{9,}/u;
