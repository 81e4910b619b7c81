import type { Key } from 'ink';

/**
 * Bracketed paste (xterm's mode 2004, which runTui turns on): the terminal wraps pasted text in
 * `ESC[200~` … `ESC[201~`, so a paste's line ends can be told apart from Enter typed in the same read.
 * Ink 6 knows nothing of it: its input parser splits each marker into an event of its own, and
 * `useInput` strips the ESC, so a marker reaches a handler as the input `[200~` / `[201~` with no key
 * flag set. The text between the markers may come in several reads, as events of its own.
 */

/** What the terminal writes to start and end a paste. */
export const PASTE_START = '\u001b[200~';
export const PASTE_END = '\u001b[201~';

/** Which paste marker this keypress is, if it is one. */
export function pasteMarker(input: string, key: Key): 'start' | 'end' | undefined {
  if (key.ctrl || key.meta || key.escape || key.return || key.tab || key.backspace || key.delete) return undefined;
  if (input === PASTE_START.slice(1)) return 'start';
  if (input === PASTE_END.slice(1)) return 'end';
  return undefined;
}

/** Where a field is in the keys it receives: inside a paste or not. Held in a ref, one per field. */
export interface PasteState {
  inside: boolean;
  /** The paste's last character was `\r`: a `\n` opening the next read ends the same line. */
  afterCr: boolean;
}

export function outsidePaste(): PasteState {
  return { inside: false, afterCr: false };
}

/** Updates `state` when this keypress is a paste marker; true when it was one (and is nothing else). */
export function trackPaste(state: PasteState, input: string, key: Key): boolean {
  const marker = pasteMarker(input, key);
  if (marker === undefined) return false;
  state.inside = marker === 'start';
  state.afterCr = false;
  return true;
}

/**
 * The text a keypress inside a paste adds: line ends (`\r\n`, `\r`, `\n`, also split across reads)
 * become `\n`, tabs stay, other control characters are dropped (a paste holds no keys).
 */
export function pastedText(state: PasteState, input: string, key: Key): string {
  // A lone control character or escape sequence is reported as a key (Ctrl-C as "c" with `ctrl`).
  if (key.ctrl || key.meta || key.escape) return '';
  // Alone in a read, Ink reports `\r` as Enter and `\t` as Tab, with an empty input.
  const raw = key.return ? '\r' : key.tab ? '\t' : input;
  let text = '';
  for (const char of raw) {
    if (char === '\n' && state.afterCr) {
      state.afterCr = false;
      continue;
    }
    state.afterCr = char === '\r';
    if (char === '\r' || char === '\n') text += '\n';
    else if (char === '\t' || !(char < ' ' || char === '\u007f')) text += char;
  }
  return text;
}

/**
 * The same for a single-line field (a name, a password, a query): line ends and tabs become
 * `lineEnd` (nothing by default), so a pasted line end never submits half a password.
 */
export function pastedLine(state: PasteState, input: string, key: Key, lineEnd = ''): string {
  return pastedText(state, input, key).replace(/[\n\t]/g, lineEnd);
}
