import { composerRows, composerTextWidth } from '../text/composer-view.js';

/** Where each region goes for a terminal of this size. */
export interface Regions {
  readonly leftWidth: number;
  readonly rightWidth: number;
  readonly contactsHeight: number;
  readonly groupsHeight: number;
  readonly messagesHeight: number;
  readonly height: number;
}

/**
 * The screen, one row short of the terminal: an Ink frame as tall as the terminal is redrawn with
 * a full clear each time (flicker), one row less is updated in place.
 */
export function regions(columns: number, rows: number, composerLines: number): Regions {
  const height = Math.max(10, rows - 1);
  const leftWidth = leftWidthOf(columns);
  const rightWidth = rightWidthOf(columns);
  const body = height - 1; // status bar
  const contactsHeight = Math.max(4, Math.ceil(body * 0.6));
  return {
    leftWidth,
    rightWidth,
    contactsHeight,
    groupsHeight: Math.max(3, body - contactsHeight),
    messagesHeight: Math.max(4, body - composerLines - 2 - 1),
    height,
  };
}

function leftWidthOf(columns: number): number {
  return Math.max(18, Math.min(32, Math.floor(columns * 0.25)));
}

function rightWidthOf(columns: number): number {
  return Math.max(20, columns - leftWidthOf(columns));
}

/**
 * Rows the composer takes for `text` on a terminal this wide: what the layout depends on, so that the
 * layout is drawn again when the composer grows or shrinks by a row, not at every key.
 */
export function composerLineCount(columns: number, text: string): number {
  return composerRows(text, composerTextWidth(rightWidthOf(columns)));
}
