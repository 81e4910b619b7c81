/**
 * Text whose width terminals and libraries have got wrong: skin tones, ZWJ sequences, flags,
 * variation selectors (emoji and text presentation), keycaps, combining marks (one, and Zalgo),
 * CJK, fullwidth and halfwidth forms, Hangul.
 */
export const WIDTH_CORPUS: ReadonlyArray<readonly [label: string, text: string]> = [
  ['skin tone', '👍🏽'],
  ['ZWJ family', '👨‍👩‍👧'],
  ['ZWJ with skin tone', '👩🏽‍💻'],
  ['rainbow flag (VS16 + ZWJ)', '🏳️‍🌈'],
  ['flag', '🇫🇮'],
  ['emoji presentation (VS16)', '❤️'],
  ['text presentation (VS15)', '☺︎'],
  ['keycap', '1️⃣'],
  ['combining tilde', 'e\u0342'],
  ['Zalgo', 'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇'],
  ['CJK', '你好世界'],
  ['fullwidth', 'ＡＢＣ'],
  ['halfwidth katakana', 'ｱｲｳ'],
  ['Hangul', '한국어'],
];

/** The whole corpus in one line, separated by spaces. */
export const CORPUS_LINE = WIDTH_CORPUS.map(([, text]) => text).join(' ');
