import { createRequire } from 'node:module';
import { render as inkRender } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { afterEach } from 'vitest';
import { WAIT_MS } from './wait.js';

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
  /**
   * Writes each key separately, each once Ink and React are done with the one before (as a person
   * types, however slow the machine): see `settled`.
   */
  press(...keys: string[]): Promise<void>;
  rerender(tree: ReactElement): void;
  unmount(): void;
  /** Resolves once the frame contains `text` (or matches), else rejects with the last frame. */
  waitFor(expected: string | RegExp | ((frame: string) => boolean), timeoutMs?: number): Promise<string>;
}

/**
 * The scheduler React's reconciler (Ink's) runs its deferred work on: passive effects, such as Ink's
 * `useInput` subscribing the handler of a component that just mounted. Resolved from the reconciler
 * so that it is the very instance it uses.
 */
interface Scheduler {
  unstable_scheduleCallback(priority: number, callback: () => void): unknown;
  readonly unstable_IdlePriority: number;
}
const scheduler = createRequire(createRequire(import.meta.url).resolve('react-reconciler'))('scheduler') as Scheduler;

/**
 * Resolves once Ink has handled what was written and React has nothing left to do: first a turn of
 * the event loop (Ink hands a lone Escape on in a setImmediate, when no sequence followed it), then
 * an idle-priority task, which the scheduler runs only once every task queued before it, and every
 * task those queued, has run. A wait on the work itself, not on time: a loaded machine only makes it
 * later.
 */
async function settled(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => scheduler.unstable_scheduleCallback(scheduler.unstable_IdlePriority, () => resolve()));
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
  return {
    lastFrame,
    stdin: { write: (data) => instance.stdin.write(data) },
    async press(...keys) {
      await settled();
      for (const key of keys) {
        instance.stdin.write(key);
        await settled();
      }
    },
    rerender: (next) => instance.rerender(next),
    unmount,
    waitFor: (expected, timeoutMs = WAIT_MS) =>
      new Promise((resolve, reject) => {
        const test = (frame: string) =>
          typeof expected === 'string' ? frame.includes(expected) : expected instanceof RegExp ? expected.test(frame) : expected(frame);
        const started = Date.now();
        const check = () => {
          const frame = lastFrame();
          if (test(frame)) return resolve(frame);
          if (Date.now() - started > timeoutMs)
            return reject(new Error(`timed out waiting for ${String(expected)}; last frame:\n${frame}`));
          setTimeout(check, 10);
        };
        check();
      }),
  };
}
