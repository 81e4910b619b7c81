import { render as inkRender } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { afterEach } from 'vitest';

/** Keys as a terminal sends them, for `press`. */
export const KEYS = {
  enter: '\r',
  altEnter: '\u001b\r',
  escape: '\u001b',
  tab: '\t',
  shiftTab: '\u001b[Z',
  up: '\u001b[A',
  down: '\u001b[B',
  left: '\u001b[D',
  right: '\u001b[C',
  pageUp: '\u001b[5~',
  pageDown: '\u001b[6~',
  home: '\u001b[H',
  end: '\u001b[F',
  backspace: '\u007f',
  ctrlC: '\u0003',
  ctrlF: '\u0006',
  ctrlK: '\u000b',
  ctrlR: '\u0012',
  ctrlT: '\u0014',
  altA: '\u001ba',
  /** Bracketed paste: a terminal wraps pasted text in these (the TUI turns the mode on). */
  pasteStart: '\u001b[200~',
  pasteEnd: '\u001b[201~',
} as const;

/** `text` pasted as a terminal in bracketed paste mode sends it. */
export function pasted(text: string): string {
  return `${KEYS.pasteStart}${text}${KEYS.pasteEnd}`;
}

export interface RenderedTui {
  /** The latest frame, as the terminal would show it (colours off: FORCE_COLOR=0). */
  lastFrame(): string;
  readonly stdin: { write(data: string): void };
  /** Writes each key separately, letting Ink handle each before the next (as a person types). */
  press(...keys: string[]): Promise<void>;
  rerender(tree: ReactElement): void;
  unmount(): void;
  /** Resolves once the frame contains `text` (or matches), else rejects with the last frame. */
  waitFor(expected: string | RegExp | ((frame: string) => boolean), timeoutMs?: number): Promise<string>;
}

const mounted: Array<() => void> = [];
afterEach(() => {
  mounted.splice(0).forEach((unmount) => unmount());
});

/**
 * The one Ink test harness of the project (wrapping ink-testing-library, which was built for Ink 5,
 * so it can be swapped for an xterm-based one in one place). Unmounted after each test.
 */
export function renderTui(tree: ReactElement): RenderedTui {
  const instance = inkRender(tree);
  let unmounted = false;
  const unmount = () => {
    if (unmounted) return;
    unmounted = true;
    instance.unmount();
    instance.cleanup();
  };
  mounted.push(unmount);
  const lastFrame = () => instance.lastFrame() ?? '';
  const tick = () => new Promise((resolve) => setTimeout(resolve, 20));
  return {
    lastFrame,
    stdin: { write: (data) => instance.stdin.write(data) },
    async press(...keys) {
      await tick();
      for (const key of keys) {
        instance.stdin.write(key);
        // A lone Escape waits for Ink's escape-sequence timeout before it is a key.
        await (key === KEYS.escape ? new Promise((resolve) => setTimeout(resolve, 60)) : tick());
      }
    },
    rerender: (next) => instance.rerender(next),
    unmount,
    waitFor: (expected, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const test = (frame: string) =>
          typeof expected === 'string' ? frame.includes(expected) : expected instanceof RegExp ? expected.test(frame) : expected(frame);
        const started = Date.now();
        const check = () => {
          const frame = lastFrame();
          if (test(frame)) return resolve(frame);
          if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${String(expected)}; last frame:\n${frame}`));
          setTimeout(check, 10);
        };
        check();
      }),
  };
}
