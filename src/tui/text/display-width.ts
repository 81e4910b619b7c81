/**
 * Display width of text in terminal columns, measured per grapheme cluster (Intl.Segmenter), so
 * that emoji, CJK and combining characters keep columns aligned: a wide character takes two
 * columns, a combining mark or zero-width joiner sequence none of its own.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** East Asian Wide and Fullwidth ranges (Unicode 15 EastAsianWidth W/F, condensed), plus emoji blocks. */
const WIDE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], [0x231a, 0x231b], [0x2329, 0x232a], [0x23e9, 0x23ec], [0x23f0, 0x23f0], [0x23f3, 0x23f3],
  [0x25fd, 0x25fe], [0x2614, 0x2615], [0x2648, 0x2653], [0x267f, 0x267f], [0x2693, 0x2693], [0x26a1, 0x26a1],
  [0x26aa, 0x26ab], [0x26bd, 0x26be], [0x26c4, 0x26c5], [0x26ce, 0x26ce], [0x26d4, 0x26d4], [0x26ea, 0x26ea],
  [0x26f2, 0x26f3], [0x26f5, 0x26f5], [0x26fa, 0x26fa], [0x26fd, 0x26fd], [0x2705, 0x2705], [0x270a, 0x270b],
  [0x2728, 0x2728], [0x274c, 0x274c], [0x274e, 0x274e], [0x2753, 0x2755], [0x2757, 0x2757], [0x2795, 0x2797],
  [0x27b0, 0x27b0], [0x27bf, 0x27bf], [0x2b1b, 0x2b1c], [0x2b50, 0x2b50], [0x2b55, 0x2b55], [0x2e80, 0x303e],
  [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf], [0xa960, 0xa97f], [0xac00, 0xd7a3],
  [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x16fe0, 0x16fe4],
  [0x17000, 0x18cff], [0x1b000, 0x1b2ff], [0x1f004, 0x1f004], [0x1f0cf, 0x1f0cf], [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a], [0x1f200, 0x1f202], [0x1f210, 0x1f23b], [0x1f240, 0x1f248], [0x1f250, 0x1f251],
  [0x1f260, 0x1f265], [0x1f300, 0x1f320], [0x1f32d, 0x1f335], [0x1f337, 0x1f37c], [0x1f37e, 0x1f393],
  [0x1f3a0, 0x1f3ca], [0x1f3cf, 0x1f3d3], [0x1f3e0, 0x1f3f0], [0x1f3f4, 0x1f3f4], [0x1f3f8, 0x1f43e],
  [0x1f440, 0x1f440], [0x1f442, 0x1f4fc], [0x1f4ff, 0x1f53d], [0x1f54b, 0x1f54e], [0x1f550, 0x1f567],
  [0x1f57a, 0x1f57a], [0x1f595, 0x1f596], [0x1f5a4, 0x1f5a4], [0x1f5fb, 0x1f64f], [0x1f680, 0x1f6c5],
  [0x1f6cc, 0x1f6cc], [0x1f6d0, 0x1f6d2], [0x1f6d5, 0x1f6d7], [0x1f6dc, 0x1f6df], [0x1f6eb, 0x1f6ec],
  [0x1f6f4, 0x1f6fc], [0x1f7e0, 0x1f7eb], [0x1f7f0, 0x1f7f0], [0x1f90c, 0x1f93a], [0x1f93c, 0x1f945],
  [0x1f947, 0x1f9ff], [0x1fa70, 0x1faff], [0x20000, 0x2fffd], [0x30000, 0x3fffd],
];

function isWide(code: number): boolean {
  let lo = 0;
  let hi = WIDE_RANGES.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [start, end] = WIDE_RANGES[mid]!;
    if (code < start) hi = mid - 1;
    else if (code > end) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Zero-width: combining marks, variation selectors, ZWJ/ZWNJ, format characters. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\u200b-\u200f\ufe00-\ufe0f]+$/u;

/** Columns one grapheme cluster takes. */
export function graphemeWidth(grapheme: string): number {
  const code = grapheme.codePointAt(0);
  if (code === undefined) return 0;
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 0;
  if (code < 0x300) return 1;
  if (ZERO_WIDTH.test(grapheme)) return 0;
  // An emoji presentation selector (U+FE0F) makes a text-default symbol two columns wide.
  if (isWide(code) || grapheme.includes('\ufe0f')) return 2;
  return 1;
}

/** The grapheme clusters of a string. */
export function graphemes(text: string): string[] {
  // ASCII fast path: every character is its own cluster.
  if (/^[\x20-\x7e]*$/.test(text)) return text.split('');
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** Columns a string takes on one line. */
export function displayWidth(text: string): number {
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let width = 0;
  for (const { segment } of segmenter.segment(text)) width += graphemeWidth(segment);
  return width;
}

/** Cuts text to at most `width` columns, ending with `…` when cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const g of graphemes(text)) {
    const w = graphemeWidth(g);
    if (used + w > width - 1) break;
    out += g;
    used += w;
  }
  return `${out}…`;
}

/** Pads text with spaces to exactly `width` columns (cutting it if longer). */
export function padEnd(text: string, width: number): string {
  const cut = truncate(text, width);
  return cut + ' '.repeat(Math.max(0, width - displayWidth(cut)));
}

/**
 * Wraps text to lines of at most `width` columns: at spaces where it can, inside a word where it
 * must (never splitting a grapheme). Newlines in the text start new lines.
 */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  const max = Math.max(1, width);
  for (const paragraph of text.split('\n')) {
    if (displayWidth(paragraph) <= max) {
      lines.push(paragraph);
      continue;
    }
    let line = '';
    let used = 0;
    let lastSpace = -1; // index in `line` after the last space
    let usedAtSpace = 0;
    for (const g of graphemes(paragraph)) {
      const w = graphemeWidth(g);
      if (used + w > max) {
        if (g === ' ') {
          lines.push(line);
          line = '';
          used = 0;
          lastSpace = -1;
          continue;
        }
        if (lastSpace > 0) {
          lines.push(line.slice(0, lastSpace - 1));
          line = line.slice(lastSpace);
          used -= usedAtSpace;
        } else {
          lines.push(line);
          line = '';
          used = 0;
        }
        lastSpace = -1;
      }
      line += g;
      used += w;
      if (g === ' ') {
        lastSpace = line.length;
        usedAtSpace = used;
      }
    }
    lines.push(line);
  }
  return lines;
}
