import { graphemeWidth } from './display-width.js';

/**
 * What the composer draws of its text: the text wrapped to the box, by offsets into the text (so the
 * cursor can be placed), and only the rows around the cursor. Ink is handed those few rows, never the
 * whole text: laying out a 70,000-character Text node (wrap-ansi measuring every word against the
 * row) cost Ink seconds per frame, and a paste arrives as dozens of frames.
 */

/** Rows the composer grows to before it scrolls. */
export const COMPOSER_MAX_ROWS = 6;

/** Columns of text in a composer box `boxWidth` wide: borders, the `› ` margin and the cursor's cell taken off. */
export function composerTextWidth(boxWidth: number): number {
  return Math.max(1, boxWidth - 5);
}

/** One drawn row: `text.slice(start, end)`; a space the row was broken at is not part of either row. */
export interface WrappedRow {
  readonly start: number;
  readonly end: number;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Code units segmented at a time: the cost of a walk is what it reads, not the whole paragraph. */
const PIECE = 1024;

/**
 * The grapheme clusters of text[from, to) with their offsets, segmenting a piece at a time. The last
 * cluster of a piece is held back and segmented again with the next piece (it may go on there).
 */
function* clusters(text: string, from: number, to: number): Generator<readonly [string, number]> {
  let at = from;
  while (at < to) {
    const end = Math.min(to, at + PIECE);
    const part = text.slice(at, end);
    const final = end === to;
    if (/^[\x20-\x7e]*$/.test(part)) {
      const stop = final ? part.length : part.length - 1;
      for (let i = 0; i < stop; i++) yield [part[i]!, at + i];
      at += stop;
      if (final) return;
      continue;
    }
    let held: readonly [string, number] | undefined;
    for (const { segment, index } of segmenter.segment(part)) {
      if (held) yield held;
      held = [segment, at + index];
    }
    if (!held) return;
    if (final || held[1] === at) {
      // The end, or one cluster longer than a piece (pathological stacks of marks): take it as it is.
      yield held;
      at = held[1] + held[0].length;
      continue;
    }
    at = held[1];
  }
}

function wrapParagraph(text: string, from: number, to: number, width: number, out: WrappedRow[], limit: number): void {
  let start = from;
  let used = 0;
  let space = -1;
  let usedAtSpace = 0;
  for (const [g, i] of clusters(text, from, to)) {
    const w = g.length === 1 && g >= ' ' && g <= '~' ? 1 : graphemeWidth(g);
    if (used + w > width && i > start) {
      if (out.length >= limit) return;
      if (g === ' ') {
        out.push({ start, end: i });
        start = i + 1;
        used = 0;
        space = -1;
        continue;
      }
      if (space >= 0) {
        out.push({ start, end: space });
        start = space + 1;
        used -= usedAtSpace;
      } else {
        out.push({ start, end: i });
        start = i;
        used = 0;
      }
      space = -1;
    }
    used += w;
    if (g === ' ') {
      space = i;
      usedAtSpace = used;
    }
  }
  out.push({ start, end: to });
}

/**
 * `text` wrapped to rows of at most `width` columns: at spaces where it can, inside a word where it
 * must, never inside a grapheme; a newline starts a row. Stops after `limit` rows.
 */
export function wrapRows(text: string, width: number, limit = Number.POSITIVE_INFINITY): WrappedRow[] {
  const out: WrappedRow[] = [];
  const max = Math.max(1, width);
  let from = 0;
  while (out.length < limit) {
    const newline = text.indexOf('\n', from);
    const to = newline < 0 ? text.length : newline;
    wrapParagraph(text, from, to, max, out, limit);
    if (newline < 0) break;
    from = newline + 1;
  }
  return out.slice(0, limit);
}

/** Rows the composer takes for this text (1 to COMPOSER_MAX_ROWS); cheap for any length. */
export function composerRows(text: string, width: number): number {
  return Math.max(1, wrapRows(text, width, COMPOSER_MAX_ROWS).length);
}

/** The row the cursor is on: before the grapheme at `cursor`, or at the end of a row broken at a space. */
function cursorRow(rows: readonly WrappedRow[], cursor: number): number {
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k]!;
    const next = rows[k + 1];
    if (cursor < row.end || (cursor === row.end && (next === undefined || next.start > row.end))) return k;
  }
  return Math.max(0, rows.length - 1);
}

/** The rows to draw: at most `height`, the cursor's among them; and how many are out of view. */
export interface ComposerWindow {
  readonly rows: readonly WrappedRow[];
  /** Index in `rows` of the cursor's row. */
  readonly cursorRow: number;
  readonly hiddenAbove: number;
  readonly hiddenBelow: number;
}

/** The first grapheme boundary after `index` (a window cut there starts on a whole grapheme). */
function boundaryAfter(text: string, index: number): number {
  const first = segmenter
    .segment(text.slice(index, index + 256))
    [Symbol.iterator]()
    .next();
  return first.done ? index : index + first.value.segment.length;
}

/**
 * The rows around the cursor. Only a window of the text about the cursor (a few boxes' worth) is
 * wrapped, so a keystroke costs the same in a 100,000-character text as in a short one; rows in a very
 * long paragraph may break a little differently as the window moves, which only the far side of a
 * paste could notice.
 */
export function composerWindow(text: string, cursor: number, width: number, height = COMPOSER_MAX_ROWS): ComposerWindow {
  const budget = (height + 1) * Math.max(1, width) * 2;
  const from = cursor - budget > 0 ? Math.min(cursor, boundaryAfter(text, cursor - budget)) : 0;
  const to = cursor + budget < text.length ? boundaryAfter(text, cursor + budget) : text.length;
  const all = wrapRows(text.slice(from, to), width).map((row) => ({ start: row.start + from, end: row.end + from }));
  const at = cursorRow(all, cursor);
  // The cursor's row is the last one shown (as when typing at the end), or as low as the text allows.
  const top = Math.max(0, Math.min(at - height + 1, all.length - height));
  const rows = all.slice(top, top + height);
  return {
    rows,
    cursorRow: at - top,
    hiddenAbove: top + (from > 0 ? 1 : 0),
    hiddenBelow: all.length - top - rows.length + (to < text.length ? 1 : 0),
  };
}
