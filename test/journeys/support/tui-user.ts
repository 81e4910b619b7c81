import { spawnPty, type PtyScreen } from '../../support/pty.js';

export const ENTER = '\r';
export const TAB = '\t';
export const CTRL_K = '\u000b';
export const CTRL_T = '\u0014';
export const BACKSPACE = '\u007f';

/** What a person sees wrong on a screen: a row drawn wider than the terminal, or the TUI gone. */
export interface FrameViolation {
  readonly user: string;
  readonly what: string;
  readonly screen: string;
}

/**
 * One person at one `fastchat tui` in a real pseudo-terminal. Every frame the TUI draws is checked as
 * it is parsed: a row wider than the terminal wraps, which a terminal shows as a broken layout and, at
 * the bottom, as a scrolled frame. The first few violations are kept with the screen they were seen on.
 */
export class TuiUser {
  readonly violations: FrameViolation[] = [];
  /** Set when the process ended: a TUI the person did not quit must never end. */
  exitCode: number | undefined;

  private constructor(
    readonly name: string,
    readonly home: string,
    readonly screen: PtyScreen,
  ) {
    void screen.exited.then((code) => (this.exitCode = code));
    screen.onParsed(() => this.#checkFrame());
  }

  /** Starts `fastchat tui` for `name` with its own home, on the login screen. */
  static async start(name: string, home: string, coordinator: number, size: { cols?: number; rows?: number } = {}): Promise<TuiUser> {
    const screen = spawnPty('fastchat', ['--server', `127.0.0.1:${coordinator}`, '--home', home, 'tui'], size);
    const user = new TuiUser(name, home, screen);
    await screen.waitFor('Ctrl-T switches');
    return user;
  }

  /** Fills the login screen key by key and submits it, signing up or logging in. */
  async enter(mode: 'signup' | 'login', password: string): Promise<void> {
    await this.screen.type(...this.name.split(''), TAB, ...password.split(''));
    if (mode === 'signup') {
      await this.screen.type(CTRL_T);
      await this.screen.waitFor('Enter to sign up');
    }
    await this.screen.type(ENTER);
    await this.waitForStatus('● connected', 60_000);
  }

  /** Types `text` as one burst (as a paste or a fast typist delivers it), then Enter on its own. */
  async say(text: string): Promise<void> {
    await this.screen.type(text, ENTER);
  }

  /** Runs a slash command typed as one burst. */
  async command(text: string): Promise<void> {
    await this.say(text);
  }

  /** Opens a conversation by name through the quick switcher. */
  async open(name: string): Promise<void> {
    await this.screen.type(CTRL_K);
    await this.screen.waitFor(/switch to/i);
    await this.screen.type(name);
    await this.screen.waitFor((s) => s.includes(name));
    await this.screen.type(ENTER);
    await this.waitFor(new RegExp(`(#${name}|${name}) ·`));
  }

  waitFor(expected: string | RegExp | ((screen: string) => boolean), timeoutMs = 30_000): Promise<string> {
    return this.screen.waitFor(expected, timeoutMs);
  }

  /** Waits until the status bar (the frame's last row) shows `text`. */
  waitForStatus(text: string | RegExp | ((row: string) => boolean), timeoutMs = 30_000): Promise<string> {
    return this.screen.waitFor((s) => {
      const row = s.split('\n')[this.screen.rows - 2] ?? '';
      return typeof text === 'string' ? row.includes(text) : text instanceof RegExp ? text.test(row) : text(row);
    }, timeoutMs);
  }

  /**
   * Waits until the frame sits where it belongs: the layout's top border on the first row, the
   * status bar on the frame's last row (one above the terminal's last), nothing below it.
   */
  async frameIntact(): Promise<void> {
    await this.screen.waitFor((s) => {
      const rows = s.split('\n');
      const frame = rows.slice(0, this.screen.rows - 2);
      // A row drawn wider than the terminal (autowrap is off while the TUI runs) would leave text, not a
      // border or the space beside a notice, in the last column.
      const edgesHold = frame.every(
        (row) => [...row.padEnd(this.screen.cols)].length < this.screen.cols || /[│╮╯ ]$/.test(row.padEnd(this.screen.cols)),
      );
      return (
        rows[0]!.startsWith('╭') &&
        edgesHold &&
        /· key /.test(rows[this.screen.rows - 2] ?? '') &&
        (rows[this.screen.rows - 1] ?? '').trim() === ''
      );
    }, 15_000);
  }

  #checkFrame(): void {
    if (this.violations.length >= 3 || this.screen.bufferType() !== 'alternate') return;
    const wrapped = this.screen.wrappedRows();
    if (wrapped.length > 0)
      this.violations.push({
        user: this.name,
        what: `rows ${wrapped.join(', ')} wrapped: drawn wider than ${this.screen.cols} columns`,
        screen: this.screen.text(),
      });
  }
}
