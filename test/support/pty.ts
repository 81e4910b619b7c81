import xterm from '@xterm/headless';
import { spawn, type IPty } from 'node-pty';
import { BIN_DIR } from './run-bin.js';

/** What the terminal shows in one cell: its character and how it is drawn. */
export interface PtyCell {
  readonly char: string;
  /** The character's width in cells (2 for wide, 0 for the cell after a wide one). */
  readonly width: number;
  /** Foreground and background: undefined when the terminal's default, else the palette index or RGB. */
  readonly fg: number | undefined;
  readonly bg: number | undefined;
  readonly inverse: boolean;
  readonly bold: boolean;
  readonly dim: boolean;
}

export interface PtyOptions {
  cols?: number;
  rows?: number;
  env?: NodeJS.ProcessEnv;
}

export interface PtyScreen {
  /** The visible screen as text, one line per row. */
  text(): string;
  /** Row `y` of the visible screen, cell by cell. */
  cells(y: number): PtyCell[];
  /** Which buffer is shown: `alternate` while a full-screen app runs, `normal` after. */
  bufferType(): 'normal' | 'alternate';
  /** Types into the terminal, as keys (one write per argument, with a pause between). */
  type(...chunks: string[]): Promise<void>;
  /**
   * Pastes `text` in one write, as a terminal does: wrapped in `ESC[200~` … `ESC[201~` while the
   * program has bracketed paste on (`ESC[?2004h`), as it is otherwise.
   */
  paste(text: string): Promise<void>;
  /** Whether the program has bracketed paste mode on (`ESC[?2004h`, off again with `ESC[?2004l`). */
  bracketedPaste(): boolean;
  waitFor(expected: string | RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code once the process ends. */
  readonly exited: Promise<number>;
  kill(signal?: string): void;
  /** Rows of the visible screen that continue a wrapped line: a row drawn wider than the terminal. */
  wrappedRows(): number[];
  /** Calls `listener` each time output has been parsed into the screen (every frame, as drawn). */
  onParsed(listener: () => void): void;
  readonly cols: number;
  readonly rows: number;
}

/**
 * Runs bin/<name> (compiled: `make test` builds first) in a real pseudo-terminal of `cols`×`rows`,
 * with @xterm/headless as the screen, so escape sequences are interpreted as a terminal would.
 */
export function spawnPty(name: string, args: string[], options: PtyOptions = {}): PtyScreen {
  return spawnPtyProgram(BIN_DIR + name, args, options);
}

/** The same for any program (a path), such as `node some-script.mjs`. */
export function spawnPtyProgram(file: string, args: string[], options: PtyOptions = {}): PtyScreen {
  const cols = options.cols ?? 120;
  const rows = options.rows ?? 32;
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
  // An env value of undefined removes the variable (FORCE_COLOR: undefined lets colour be detected).
  const env = Object.fromEntries(
    Object.entries({ ...process.env, FORCE_COLOR: '0', ...options.env }).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  const pty: IPty = spawn(file, args, { name: 'xterm-256color', cols, rows, env });
  const parsedListeners: Array<() => void> = [];
  pty.onData((data) => term.write(data, () => parsedListeners.forEach((listener) => listener())));
  let exitedWith: string | undefined;
  const exited = new Promise<number>((resolve) =>
    pty.onExit(({ exitCode, signal }) => {
      exitedWith = signal ? `signal ${signal}` : `code ${exitCode}`;
      resolve(exitCode);
    }),
  );
  // For a timed-out wait: whether the program is still there, and how much typed input it has not
  // read yet (node-pty queues what the terminal's buffer cannot take; a program that stops reading
  // leaves it there). Private fields of node-pty 1.1, read for this message only.
  const diagnosis = () => {
    const queue =
      (pty as unknown as { _writeStream?: { _writeQueue?: { buffer: Buffer; offset: number }[] } })._writeStream?._writeQueue ?? [];
    const unread = queue.reduce((sum, task) => sum + task.buffer.byteLength - task.offset, 0);
    return `program ${exitedWith === undefined ? `running (pid ${pty.pid})` : `exited with ${exitedWith}`}, ${unread} bytes of input not yet taken by it`;
  };
  const text = () => {
    const buffer = term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
    return lines.join('\n');
  };
  const cells = (y: number): PtyCell[] => {
    const buffer = term.buffer.active;
    const line = buffer.getLine(buffer.viewportY + y);
    const out: PtyCell[] = [];
    const cell = buffer.getNullCell();
    for (let x = 0; x < cols && line; x++) {
      line.getCell(x, cell);
      out.push({
        char: cell.getChars(),
        width: cell.getWidth(),
        fg: cell.isFgDefault() ? undefined : cell.getFgColor(),
        bg: cell.isBgDefault() ? undefined : cell.getBgColor(),
        inverse: cell.isInverse() !== 0,
        bold: cell.isBold() !== 0,
        dim: cell.isDim() !== 0,
      });
    }
    return out;
  };
  return {
    text,
    cells,
    bufferType: () => term.buffer.active.type,
    async type(...chunks) {
      for (const chunk of chunks) {
        pty.write(chunk);
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
    },
    async paste(text) {
      // Let xterm finish parsing what arrived (the mode switch among it) before reading the mode.
      await new Promise<void>((resolve) => term.write('', resolve));
      pty.write(term.modes.bracketedPasteMode ? `\u001b[200~${text}\u001b[201~` : text);
      await new Promise((resolve) => setTimeout(resolve, 60));
    },
    bracketedPaste: () => term.modes.bracketedPasteMode,
    waitFor: (expected, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          // Let xterm finish parsing what arrived before reading the screen.
          term.write('', () => {
            const screen = text();
            const ok =
              typeof expected === 'string'
                ? screen.includes(expected)
                : expected instanceof RegExp
                  ? expected.test(screen)
                  : expected(screen);
            if (ok) return resolve(screen);
            if (Date.now() - started > timeoutMs)
              return reject(new Error(`timed out waiting for ${String(expected)}; ${diagnosis()}; screen:\n${screen}`));
            setTimeout(check, 50);
          });
        };
        check();
      }),
    exited,
    kill: (signal) => pty.kill(signal),
    wrappedRows: () => {
      const buffer = term.buffer.active;
      const wrapped: number[] = [];
      for (let y = 0; y < rows; y++) if (buffer.getLine(buffer.viewportY + y)?.isWrapped) wrapped.push(y);
      return wrapped;
    },
    onParsed: (listener) => parsedListeners.push(listener),
    cols,
    rows,
  };
}
