import stringWidth from 'string-width';

/**
 * Display width of text in terminal columns, per grapheme cluster, measured exactly as Ink measures
 * it when it lays out and pads a row: with `string-width` (the same copy Ink imports, pinned to its
 * version), whose East Asian Width tables and emoji rules (RGI emoji, ZWJ sequences, flags and
 * keycaps two columns; combining marks and variation selectors none of their own) follow Unicode.
 * Agreeing with Ink matters more than any private table: a row we cut to fit that Ink measured wider
 * would be wrapped by Ink and push the frame down.
 *
 * Terminals do not all agree with Unicode (tmux 3.3 draws 👍🏽 as four columns and ❤️ as one;
 * xterm.js without its Unicode 11 addon draws 👍 as one). No width function can match them all, so
 * the TUI also turns the terminal's autowrap off while it runs (terminal.ts): a row a terminal draws
 * wider than measured is clipped at the right edge instead of wrapping, and the frame never scrolls.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Columns one grapheme cluster takes. */
export function graphemeWidth(grapheme: string): number {
  const code = grapheme.codePointAt(0);
  if (code === undefined) return 0;
  if (code >= 0x20 && code < 0x7f && grapheme.length === 1) return 1;
  return stringWidth(grapheme);
}

/** The grapheme clusters of a string. */
export function graphemes(text: string): string[] {
  // ASCII fast path: every character is its own cluster.
  if (/^[\x20-\x7e]*$/.test(text)) return text.split('');
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** Columns a string takes on one line. */
export function displayWidth(text: string): number {
  return stringWidth(text);
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
