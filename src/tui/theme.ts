/**
 * The TUI's colours by what they mean: components and line builders name a token, never a colour, so
 * the palette is changed here. Sixteen-colour names, which every terminal draws; with colour off
 * (terminal-colours.ts) bold, inverse and dim still carry each state.
 */
export const theme = {
  /** What has the keyboard: the focused pane's border and title, dialogs, the composer's margin, own messages. */
  accent: 'cyan',
  /** A pane without focus, an offline contact, a message sent but not yet read. */
  muted: 'gray',
  /** Good news: connected, online, verified, read, a notice that something worked. */
  good: 'green',
  /** Work under way or waiting: connecting, queued, decrypting, checking; a notice to take care. */
  pending: 'yellow',
  /** Others' names above their messages, headings of the help. */
  peer: 'yellow',
  /** Unread counts. */
  unread: 'magenta',
  /** Something wrong: an error, a failed send, an unverified or undecryptable message, offline. */
  danger: 'red',
} as const;

export type ThemeColour = (typeof theme)[keyof typeof theme];
