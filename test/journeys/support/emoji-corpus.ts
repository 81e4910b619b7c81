/**
 * Text that terminals and width libraries disagree about, one family a line: what a journey sends and
 * expects to see drawn without a row overflowing its pane.
 */
export const EMOJI_CORPUS: readonly string[] = [
  'skin tones 👍🏽 👋🏿 🧑🏻‍💻 done',
  'families 👨‍👩‍👧 👩‍👩‍👦‍👦 🏳️‍🌈 done',
  'flags 🇫🇮 🇯🇵 🇺🇸 🏴‍☠️ done',
  'variation selectors ❤️ ☺︎ ✌️ ⌚︎ done',
  'combining e\u0342 a\u0301\u0302\u0303 Z\u0351\u0352\u0353\u0354a\u0355\u0356l\u0357g\u0358o done',
  'CJK 漢字かなカナ 한국어 ｆｕｌｌｗｉｄｔｈ done',
  // Long enough to wrap in the messages pane, wide characters falling on the wrap point.
  'wrap '.concat('漢👍🏽'.repeat(40), ' done'),
];
