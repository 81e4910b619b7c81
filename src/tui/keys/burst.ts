import type { Key } from 'ink';
import { isText } from './keyMatchers.js';

/**
 * Keys that arrive together (fast typing, a paste, a key held down, a slow machine) reach Ink in one
 * read, and Ink passes a run without escape sequences to `useInput` as ONE `input` string: `abc` then
 * three Backspaces is the text "abc\x7f\x7f\x7f", Ctrl-T after a word is "word\x14". (Escape sequences,
 * arrows and Delete among them, Ink does split off into calls of their own, in order.) `eachKey` cuts
 * such a string back into the keys it holds, in order, so a handler sees what a slow typist would have
 * sent: text runs, and each control character as the key Ink reports when it arrives alone.
 */

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** What Ink's parser reports for this control character typed alone (parse-keypress.js). */
export function controlKey(char: string): [string, Key] {
  const code = char.charCodeAt(0);
  if (char === '\r') return ['', { ...NO_KEY, return: true }];
  if (char === '\t') return ['', { ...NO_KEY, tab: true }];
  if (char === '\b') return ['', { ...NO_KEY, backspace: true }];
  // DEL: what Backspace sends on most terminals; Ink names it `delete`.
  if (char === '\x7f') return ['', { ...NO_KEY, delete: true }];
  // A line feed in a burst (Ctrl-J, or a paste's line end) is Enter; ESC cannot be inside a run.
  if (char === '\n') return ['', { ...NO_KEY, return: true }];
  if (char === '\u001b') return ['', { ...NO_KEY, escape: true, meta: true }];
  // Ctrl-A … Ctrl-Z (and the rest of C0): Ink reports the letter with `ctrl`.
  return [String.fromCharCode(code + 96), { ...NO_KEY, ctrl: true }];
}

/**
 * The parts of a keypress, in order: a text `input` holding control characters other than those in
 * `keepInText` is cut into text runs and one part per control character; anything else is one part.
 */
export function splitKeys(input: string, key: Key, keepInText = ''): Array<[string, Key]> {
  if (!isText(input, key) || !/[\u0000-\u001f\u007f]/.test(input)) return [[input, key]];
  const parts: Array<[string, Key]> = [];
  let run = '';
  for (const char of input) {
    const control = char.length === 1 && (char < ' ' || char === '\x7f') && !keepInText.includes(char);
    if (!control) {
      run += char;
      continue;
    }
    if (run !== '') parts.push([run, NO_KEY]);
    run = '';
    parts.push(controlKey(char));
  }
  if (run !== '') parts.push([run, NO_KEY]);
  return parts;
}

/** Calls `handler` once per key that `input` holds (see splitKeys), in order. */
export function eachKey(input: string, key: Key, handler: (input: string, key: Key) => void, keepInText = ''): void {
  for (const [partInput, partKey] of splitKeys(input, key, keepInText)) handler(partInput, partKey);
}
