import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import chalk from 'chalk';
import { render } from 'ink';
import { createElement } from 'react';
import { chooseColours, withoutColours } from './terminal-colours.js';
import { Tui, type TuiProps } from './Tui.js';

/**
 * Switch to the alternate screen (and clear it, cursor home), with autowrap off (DECAWM, `ESC[?7l`):
 * a row that a terminal draws wider than it was measured (terminals disagree on some emoji, see
 * text/display-width.ts) is clipped at the right edge instead of wrapping onto the next row, which
 * would push the frame down and scroll its top row away.
 */
export const ENTER_ALT_SCREEN = '\u001b[?1049h\u001b[?7l\u001b[2J\u001b[H';
/** Back to the normal screen, autowrap on and cursor shown again. */
export const LEAVE_ALT_SCREEN = '\u001b[?7h\u001b[?25h\u001b[?1049l';
/**
 * Bracketed paste on (xterm mode 2004): the terminal wraps pasted text in `ESC[200~` … `ESC[201~`,
 * so the composer can keep a paste's line ends as text and still take a line end typed in the same
 * read as Enter (keys/paste.ts). Ink 6 does not turn it on itself.
 */
export const BRACKETED_PASTE_ON = '\u001b[?2004h';
/** Bracketed paste off again: the shell after us would otherwise receive the markers. */
export const BRACKETED_PASTE_OFF = '\u001b[?2004l';

/**
 * Frames per second Ink may draw. Ink's default of 30 delays a keystroke's echo by up to 33 ms
 * when keys come fast; 60 keeps it within a frame of a 60 Hz display.
 */
export const TUI_MAX_FPS = 60;

export interface RunTuiOptions extends Omit<TuiProps, 'onExit'> {
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
  /** `--no-color`: no colours whatever the environment says (bold and inverse stay). @default false */
  readonly noColor?: boolean;
}

/** Where a crash is written: `<home>/tui.log`. */
export function crashLogPath(home: string): string {
  return join(home, 'tui.log');
}

/**
 * Runs the TUI full screen until the user quits. The terminal is restored on every way out: quit,
 * Ctrl-C (a key in raw mode, handled as quit), SIGTERM/SIGHUP/SIGINT, and an uncaught error, which
 * is also appended to `<home>/tui.log` and named on stderr. Resolves with the exit code.
 */
export async function runTui(options: RunTuiOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    stdout.write(BRACKETED_PASTE_OFF + LEAVE_ALT_SCREEN);
    if (stdin.isTTY) stdin.setRawMode(false);
  };
  // Ink styles through this same chalk module (one copy in node_modules, pinned to Ink's version):
  // its level is decided here, from the terminal and the user, not from CI (terminal-colours.ts).
  const colours = chooseColours(process.env, options.noColor);
  chalk.level = colours.level;
  // Raw before the first frame, not when Ink's first input hook mounts (an effect, run after the frame
  // is drawn): a Ctrl-C typed in between was the terminal's SIGINT instead of our quit key, and
  // anything else typed then was echoed by the terminal over the frame.
  if (stdin.isTTY) stdin.setRawMode(true);
  stdout.write(ENTER_ALT_SCREEN + BRACKETED_PASTE_ON);
  const instance = render(createElement(Tui, { ...options }), {
    stdout: colours.colours ? stdout : withoutColours(stdout),
    stdin,
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: TUI_MAX_FPS,
  });

  let code = 0;
  const crash = (error: unknown) => {
    const path = crashLogPath(options.home);
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    try {
      mkdirSync(options.home, { recursive: true });
      appendFileSync(path, `${new Date().toISOString()} fastchat tui crashed\n${text}\n\n`, { mode: 0o600 });
    } catch {
      // The log is best effort: the error still goes to stderr below.
    }
    instance.unmount();
    restore();
    process.stderr.write(`fastchat tui: ${error instanceof Error ? error.message : String(error)}\n(details written to ${path})\n`);
    process.exit(1);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    instance.unmount();
    restore();
    process.exit(signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143);
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
  signals.forEach((s) => process.on(s, onSignal));
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  try {
    await instance.waitUntilExit();
  } catch (error) {
    code = 1;
    crash(error);
  } finally {
    restore();
    signals.forEach((s) => process.off(s, onSignal));
    process.off('uncaughtException', crash);
    process.off('unhandledRejection', crash);
  }
  return code;
}
