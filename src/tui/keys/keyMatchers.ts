import type { Key } from 'ink';
import { Command, DEFAULT_BINDINGS, type KeyBinding } from './keyBindings.js';
import { pasteMarker } from './paste.js';

/** The named key Ink reported, or the typed character. */
function keyName(input: string, key: Key): string {
  if (key.return) return 'return';
  if (key.escape) return 'escape';
  if (key.tab) return 'tab';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageUp';
  if (key.pageDown) return 'pageDown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.backspace) return 'backspace';
  // Most terminals send DEL (0x7f) for Backspace, which Ink reports as `delete` (and cannot tell
  // apart from the Delete key): treat both as Backspace; Ctrl-D deletes forward.
  if (key.delete) return 'backspace';
  return input;
}

function matches(binding: KeyBinding, input: string, key: Key): boolean {
  const name = keyName(input, key);
  if (binding.key.length === 1 && !binding.ctrl && !binding.meta) {
    // A plain character: exactly that character, no modifiers.
    return name === binding.key && !key.ctrl && !key.meta;
  }
  if (name.toLowerCase() !== binding.key.toLowerCase() && name !== binding.key) return false;
  if (Boolean(binding.ctrl) !== key.ctrl) return false;
  // Ink sets `meta` for Escape itself: only compare it for other keys.
  if (binding.key !== 'escape' && Boolean(binding.meta) !== key.meta) return false;
  if (binding.key === 'tab' && Boolean(binding.shift) !== key.shift) return false;
  return true;
}

/** Does this keypress trigger `command`? */
export function isCommand(command: Command, input: string, key: Key, bindings = DEFAULT_BINDINGS): boolean {
  return bindings[command].some((b) => matches(b, input, key));
}

/** The first of `commands` this keypress triggers. */
export function matchCommand(commands: readonly Command[], input: string, key: Key, bindings = DEFAULT_BINDINGS): Command | undefined {
  return commands.find((c) => isCommand(c, input, key, bindings));
}

/** A printable character typed (or text pasted) rather than a command key or a paste marker. */
export function isText(input: string, key: Key): boolean {
  return (
    input.length > 0 &&
    pasteMarker(input, key) === undefined &&
    !key.ctrl &&
    !key.meta &&
    !key.escape &&
    !key.tab &&
    !key.return &&
    !key.backspace &&
    !key.delete &&
    !/^\u001b/.test(input)
  );
}
