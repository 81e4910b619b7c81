/**
 * How the TUI decides on colour. Ink draws every style (colours, and also bold, inverse, dim) through
 * the one `chalk` module it imports, whose level chalk guesses when it loads: its guess answers 0 (no
 * escape codes at all, so not even inverse) whenever a `CI` variable is set, whatever the terminal.
 * `fastchat tui` only runs on a terminal (it checks), so it decides here from the terminal and the
 * user's explicit wishes, and never from `CI`:
 *
 * - `--no-color` (command line) turns colour off; otherwise `FORCE_COLOR` decides when set
 *   (`0`/`false`: off, `1`/`2`/`3`/`true`/empty: on at that depth), as Node itself does; otherwise a
 *   non-empty `NO_COLOR` turns colour off (https://no-color.org); otherwise the terminal: 24-bit when
 *   `COLORTERM` says so, 256 colours for `*-256color` TERMs, else 16.
 * - Colour off still draws bold, inverse and dim (NO_COLOR is about colour, not emphasis): chalk stays
 *   at level 1 and the frames pass through `stripColours`, so every state has a cue without colour.
 */

/** What to draw with: chalk's level (1 = 16 colours, 2 = 256, 3 = 24-bit) and whether to keep colours. */
export interface ColourChoice {
  readonly level: 1 | 2 | 3;
  readonly colours: boolean;
}

function forced(value: string): ColourChoice | undefined {
  if (value === 'false' || value === '0') return { level: 1, colours: false };
  if (value === 'true' || value === '') return { level: 1, colours: true };
  const depth = Number.parseInt(value, 10);
  if (!Number.isInteger(depth)) return undefined;
  return { level: Math.min(3, Math.max(1, depth)) as 1 | 2 | 3, colours: depth > 0 };
}

/** The choice for a terminal with this environment; `noColorFlag` is `--no-color`. */
export function chooseColours(env: NodeJS.ProcessEnv, noColorFlag = false): ColourChoice {
  const level: 1 | 2 | 3 = env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit' ? 3 : /-256(colou?r)?$/i.test(env.TERM ?? '') ? 2 : 1;
  if (noColorFlag) return { level: 1, colours: false };
  const force = env.FORCE_COLOR === undefined ? undefined : forced(env.FORCE_COLOR);
  if (force) return force.colours && force.level < level ? { level, colours: true } : force;
  if (env.NO_COLOR) return { level: 1, colours: false };
  if (env.TERM === 'dumb') return { level: 1, colours: false };
  return { level, colours: true };
}

/** SGR parameters that set a colour (30–49, 90–107; 38/48 take 5;N or 2;R;G;B after them). */
function keepNonColour(params: string): string {
  const parts = params === '' ? ['0'] : params.split(';');
  const kept: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const n = Number(parts[i]);
    if (n === 38 || n === 48 || n === 58) {
      i += parts[i + 1] === '5' ? 2 : parts[i + 1] === '2' ? 4 : 0;
      continue;
    }
    if ((n >= 30 && n <= 49) || (n >= 90 && n <= 107) || n === 59) continue;
    kept.push(parts[i]!);
  }
  return kept.join(';');
}

/** `text` with every colour taken out of its SGR sequences; bold, dim, inverse and resets stay. */
export function stripColours(text: string): string {
  return text.replace(/\u001b\[([0-9;]*)m/g, (_all, params: string) => {
    const kept = keepNonColour(params);
    return kept === '' ? '' : `\u001b[${kept}m`;
  });
}

/**
 * A view of `stream` whose writes have their colours stripped; everything else (size, `resize`
 * events, isTTY) is the stream's own. Ink writes whole frames per call, so no SGR sequence is split.
 */
export function withoutColours<S extends NodeJS.WriteStream>(stream: S): S {
  const write = (chunk: unknown, ...rest: unknown[]) =>
    (stream.write as (...args: unknown[]) => boolean)(typeof chunk === 'string' ? stripColours(chunk) : chunk, ...rest);
  return new Proxy(stream, {
    get(target, property) {
      if (property === 'write') return write;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
