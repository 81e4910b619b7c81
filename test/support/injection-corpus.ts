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
};

/** Corpus entries made of control or format characters the TUI must never pass through raw. */
export const DANGEROUS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]/;
