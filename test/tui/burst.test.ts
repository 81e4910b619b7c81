import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { splitKeys } from '../../src/tui/keys/burst.js';
import { Command } from '../../src/tui/keys/keyBindings.js';
import { matchCommand } from '../../src/tui/keys/keyMatchers.js';

const TEXT = { ctrl: false, meta: false, shift: false, tab: false, return: false, escape: false, backspace: false, delete: false } as Key;

/** The commands (or text) a burst holds, as a handler sees them one by one. */
function keys(input: string, keep = ''): string[] {
  return splitKeys(input, TEXT, keep).map(
    ([text, key]) =>
      matchCommand(
        [Command.DeleteBack, Command.Submit, Command.FocusNext, Command.ToggleSignup, Command.DeleteForward, Command.Quit],
        text,
        key,
      ) ?? `"${text}"`,
  );
}

describe('splitKeys', () => {
  it('cuts a text run into its characters and control keys, in order', () => {
    expect(keys('abc\u007f\u007f\u007f')).toEqual(['"abc"', Command.DeleteBack, Command.DeleteBack, Command.DeleteBack]);
    expect(keys('ab\bc\tpw\u0014\r')).toEqual([
      '"ab"',
      Command.DeleteBack,
      '"c"',
      Command.FocusNext,
      '"pw"',
      Command.ToggleSignup,
      Command.Submit,
    ]);
    expect(keys('x\u0004y\u0003')).toEqual(['"x"', Command.DeleteForward, '"y"', Command.Quit]);
  });

  it('keeps the characters asked for as text, and leaves plain text and named keys alone', () => {
    expect(keys('line 1\r\nline 2\tx\u007f', '\r\n\t')).toEqual(['"line 1\r\nline 2\tx"', Command.DeleteBack]);
    expect(keys('👍🏽 你好')).toEqual(['"👍🏽 你好"']);
    expect(splitKeys('', { ...TEXT, return: true })).toEqual([['', { ...TEXT, return: true }]]);
  });
});
