import { graphemes } from '../text/display-width.js';

/** The composer's text and cursor (an index into `text`, on a grapheme boundary). */
export interface ComposerState {
  readonly text: string;
  readonly cursor: number;
}

export type ComposerAction =
  | { readonly type: 'insert'; readonly text: string }
  | { readonly type: 'backspace' }
  | { readonly type: 'delete' }
  | { readonly type: 'left' }
  | { readonly type: 'right' }
  | { readonly type: 'home' }
  | { readonly type: 'end' }
  | { readonly type: 'set'; readonly text: string };

/**
 * Code units looked at around the cursor to find the grapheme next to it: far longer than any real
 * cluster, and short enough that Backspace costs the same in a 100,000-character paste.
 */
const NEARBY = 256;

/** Length of the grapheme that ends at `index`. */
function before(text: string, index: number): number {
  const parts = graphemes(text.slice(Math.max(0, index - NEARBY), index));
  return parts.length > 0 ? parts[parts.length - 1]!.length : 0;
}

function after(text: string, index: number): number {
  return graphemes(text.slice(index, index + NEARBY))[0]?.length ?? 0;
}

/** Pasted line ends become newlines of the one message; other control characters are dropped. */
export function normalizeInput(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, '    ')
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '');
}

/** Pure editing of the composer's buffer. */
export function composerReducer(state: ComposerState, action: ComposerAction): ComposerState {
  const { text, cursor } = state;
  switch (action.type) {
    case 'insert': {
      const add = normalizeInput(action.text);
      if (add === '') return state;
      return { text: text.slice(0, cursor) + add + text.slice(cursor), cursor: cursor + add.length };
    }
    case 'backspace': {
      const n = before(text, cursor);
      return n === 0 ? state : { text: text.slice(0, cursor - n) + text.slice(cursor), cursor: cursor - n };
    }
    case 'delete': {
      const n = after(text, cursor);
      return n === 0 ? state : { text: text.slice(0, cursor) + text.slice(cursor + n), cursor };
    }
    case 'left':
      return { text, cursor: cursor - before(text, cursor) };
    case 'right':
      return { text, cursor: cursor + after(text, cursor) };
    case 'home':
      return { text, cursor: text.lastIndexOf('\n', cursor - 1) + 1 };
    case 'end': {
      const end = text.indexOf('\n', cursor);
      return { text, cursor: end < 0 ? text.length : end };
    }
    case 'set':
      return { text: action.text, cursor: action.text.length };
    default: {
      const unreachable: never = action;
      return unreachable;
    }
  }
}
