import { register } from 'node:module';

/**
 * The `is-in-ci` module Ink imports, answering "not in CI".
 *
 * Ink 6.8 reads `is-in-ci` (true when `CI` or `CONTINUOUS_INTEGRATION` is set to anything but `0`/
 * `false`) once, when it loads, and then draws only the final frame and ignores `resize`: right for a
 * build log, wrong for `fastchat tui`, which runs only on a terminal (it checks isTTY first). Ink 6.8's
 * render() has no option to say otherwise (`debug` writes every frame without erasing the last, which
 * scrolls a full-screen app). Rather than change the process's environment (which chalk, child processes and
 * everything else also read), a module resolve hook gives Ink, and only Ink, this answer.
 */
const NOT_IN_CI = 'data:text/javascript,export%20default%20false%3B';

const HOOKS = `
export async function resolve(specifier, context, next) {
  if (specifier === 'is-in-ci' && context.parentURL && context.parentURL.includes('/node_modules/ink/')) {
    return { url: ${JSON.stringify(NOT_IN_CI)}, shortCircuit: true };
  }
  return next(specifier, context);
}
`;

let registered = false;

/** Call before Ink is first imported: from then on Ink knows it draws on an interactive terminal. */
export function treatInkAsInteractive(): void {
  if (registered) return;
  registered = true;
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`);
}
