/**
 * Every keyboard shortcut of the TUI, and only here (house rule 8). Components match keys through
 * `keyMatchers.ts` by Command, never by raw key.
 */
export enum Command {
  Quit = 'quit',
  FocusNext = 'focusNext',
  FocusPrevious = 'focusPrevious',
  Up = 'up',
  Down = 'down',
  Open = 'open',
  Back = 'back',
  PageUp = 'pageUp',
  PageDown = 'pageDown',
  Top = 'top',
  Bottom = 'bottom',
  QuickSwitcher = 'quickSwitcher',
  NextUnread = 'nextUnread',
  Search = 'search',
  NextHit = 'nextHit',
  PreviousHit = 'previousHit',
  Help = 'help',
  Submit = 'submit',
  Newline = 'newline',
  RetryFailed = 'retryFailed',
  CursorLeft = 'cursorLeft',
  CursorRight = 'cursorRight',
  LineStart = 'lineStart',
  LineEnd = 'lineEnd',
  DeleteBack = 'deleteBack',
  DeleteForward = 'deleteForward',
  ClearInput = 'clearInput',
  ToggleSignup = 'toggleSignup',
  SelectPrevious = 'selectPrevious',
  SelectNext = 'selectNext',
  StartCommand = 'startCommand',
}

/** A key as Ink reports it: a named key or a character, with modifiers. */
export interface KeyBinding {
  /** `return`, `escape`, `tab`, `up`, `down`, `left`, `right`, `pageUp`, `pageDown`, `home`, `end`, `backspace`, `delete`, or a character. */
  readonly key: string;
  readonly ctrl?: boolean;
  readonly meta?: boolean;
  readonly shift?: boolean;
}

export const DEFAULT_BINDINGS: Readonly<Record<Command, readonly KeyBinding[]>> = {
  [Command.Quit]: [{ key: 'c', ctrl: true }],
  [Command.FocusNext]: [{ key: 'tab' }],
  [Command.FocusPrevious]: [{ key: 'tab', shift: true }],
  [Command.Up]: [{ key: 'up' }, { key: 'k' }],
  [Command.Down]: [{ key: 'down' }, { key: 'j' }],
  [Command.Open]: [{ key: 'return' }],
  [Command.Back]: [{ key: 'escape' }],
  [Command.PageUp]: [{ key: 'pageUp' }],
  [Command.PageDown]: [{ key: 'pageDown' }],
  [Command.Top]: [{ key: 'home' }],
  [Command.Bottom]: [{ key: 'end' }],
  [Command.QuickSwitcher]: [{ key: 'k', ctrl: true }],
  [Command.NextUnread]: [{ key: 'a', meta: true }],
  [Command.Search]: [{ key: 'f', ctrl: true }],
  [Command.NextHit]: [{ key: 'n', ctrl: true }, { key: 'down' }],
  [Command.PreviousHit]: [{ key: 'p', ctrl: true }, { key: 'up' }],
  [Command.Help]: [{ key: '?' }],
  [Command.Submit]: [{ key: 'return' }],
  [Command.Newline]: [{ key: 'return', meta: true }],
  [Command.RetryFailed]: [{ key: 'r', ctrl: true }],
  [Command.CursorLeft]: [{ key: 'left' }, { key: 'b', ctrl: true }],
  [Command.CursorRight]: [{ key: 'right' }, { key: 'f', meta: true }],
  [Command.LineStart]: [{ key: 'a', ctrl: true }, { key: 'home' }],
  [Command.LineEnd]: [{ key: 'e', ctrl: true }, { key: 'end' }],
  [Command.DeleteBack]: [{ key: 'backspace' }],
  [Command.DeleteForward]: [{ key: 'd', ctrl: true }],
  [Command.ClearInput]: [{ key: 'u', ctrl: true }],
  [Command.ToggleSignup]: [{ key: 't', ctrl: true }],
  [Command.SelectPrevious]: [{ key: 'up' }, { key: 'p', ctrl: true }],
  [Command.SelectNext]: [{ key: 'down' }, { key: 'n', ctrl: true }],
  [Command.StartCommand]: [{ key: '/' }],
};

/** What the help overlay says each command does, grouped by where it works. */
export const COMMAND_HELP: ReadonlyArray<{ readonly where: string; readonly commands: ReadonlyArray<readonly [Command, string]> }> = [
  {
    where: 'Anywhere',
    commands: [
      [Command.FocusNext, 'next pane'],
      [Command.FocusPrevious, 'previous pane'],
      [Command.QuickSwitcher, 'quick switcher'],
      [Command.NextUnread, 'next unread'],
      [Command.Search, 'search here'],
      [Command.RetryFailed, 'retry failed messages'],
      [Command.Back, 'back / close'],
      [Command.Quit, 'quit'],
    ],
  },
  {
    where: 'Lists and messages',
    commands: [
      [Command.Up, 'up'],
      [Command.Down, 'down'],
      [Command.Open, 'open the conversation'],
      [Command.PageUp, 'scroll up (loads older)'],
      [Command.PageDown, 'scroll down'],
      [Command.Top, 'oldest'],
      [Command.Bottom, 'newest'],
      [Command.Help, 'this help'],
      [Command.StartCommand, 'type a /command in the composer'],
    ],
  },
  {
    where: 'Composer',
    commands: [
      [Command.Submit, 'send'],
      [Command.Newline, 'new line'],
      [Command.ClearInput, 'clear what is typed'],
      [Command.PageUp, 'scroll messages up'],
      [Command.PageDown, 'scroll messages down'],
    ],
  },
  {
    where: 'Quick switcher',
    commands: [
      [Command.SelectPrevious, 'previous match'],
      [Command.SelectNext, 'next match'],
      [Command.Open, 'open it'],
    ],
  },
  {
    where: 'Login',
    commands: [[Command.ToggleSignup, 'switch between log in and sign up']],
  },
  {
    where: 'Search',
    commands: [
      [Command.NextHit, 'next hit'],
      [Command.PreviousHit, 'previous hit'],
    ],
  },
];

const NAMES: Record<string, string> = {
  return: 'Enter',
  escape: 'Esc',
  tab: 'Tab',
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  pageUp: 'PgUp',
  pageDown: 'PgDn',
  home: 'Home',
  end: 'End',
  backspace: 'Backspace',
  delete: 'Del',
};

/** `Ctrl-K`, `Alt-Enter`, `Shift-Tab`… */
export function describeBinding(binding: KeyBinding): string {
  const name = NAMES[binding.key] ?? (binding.ctrl || binding.meta ? binding.key.toUpperCase() : binding.key);
  return `${binding.ctrl ? 'Ctrl-' : ''}${binding.meta ? 'Alt-' : ''}${binding.shift ? 'Shift-' : ''}${name}`;
}

export function describeCommand(command: Command, bindings = DEFAULT_BINDINGS): string {
  return bindings[command].map(describeBinding).join(' / ');
}
