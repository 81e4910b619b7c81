import { describe, expect, it } from 'vitest';
import type { PtyCell, PtyScreen } from '../support/pty.js';
import { useTuiWorld } from '../support/tui-world.js';

/**
 * Colours of the real `fastchat tui` in a real terminal (node-pty + @xterm/headless, TERM
 * xterm-256color), with `CI=true` in its environment as on a build machine or in a shell that exports
 * it: colour comes from the terminal, never from CI; NO_COLOR and --no-color take colours away but
 * keep inverse and bold, so the login mode and the selected row still show.
 */
const world = useTuiWorld('fastchat-colours-');

const CTRL_T = '\u0014';
const CI_SHELL = { CI: 'true', CONTINUOUS_INTEGRATION: 'true', FORCE_COLOR: undefined, NO_COLOR: undefined, TERM: 'xterm-256color' };

function start(name: string, env: NodeJS.ProcessEnv, extra: string[] = []): PtyScreen {
  return world.tuiWith({ env }, name, ...extra);
}

/** The cells of the first row that contains `text`, from the column where it starts. */
function cellsOf(term: PtyScreen, text: string): PtyCell[] {
  const rows = term.text().split('\n');
  const y = rows.findIndex((row) => row.includes(text));
  expect(y, `no row shows ${text}`).toBeGreaterThanOrEqual(0);
  const x = rows[y]!.indexOf(text);
  return term.cells(y).slice(x, x + text.length);
}

function allCells(term: PtyScreen): PtyCell[] {
  return term
    .text()
    .split('\n')
    .flatMap((_, y) => term.cells(y));
}

function signUp(name: string, env: NodeJS.ProcessEnv, extra: string[] = []): Promise<PtyScreen> {
  return world.signUpOnScreen(name, { pty: { env }, args: extra });
}

describe('fastchat tui colours', () => {
  it('with CI=true in a 256-colour terminal: the login mode is inverse and the box coloured; the selected contact row is inverse and the focused pane coloured', async () => {
    const carol = await signUp('carol', CI_SHELL);
    const term = await signUp('dave', CI_SHELL);
    // A frame is drawn and updated (Ink is not in its CI mode, which only prints the last frame).
    await term.waitFor(/carol/, 20_000);
    const contacts = cellsOf(term, 'Contacts');
    expect(contacts.every((c) => c.fg !== undefined)).toBe(true);
    const row = cellsOf(term, 'carol');
    expect(row.every((c) => c.inverse)).toBe(true);
    expect(row.some((c) => c.bold) || row.every((c) => c.inverse)).toBe(true);
    // The login screen of a new terminal: the chosen mode is inverse, the box has a colour.
    const fresh = start('erin', CI_SHELL);
    await fresh.waitFor('log in   sign up');
    const login = cellsOf(fresh, 'log in');
    expect(login.every((c) => c.inverse && c.bold)).toBe(true);
    expect(cellsOf(fresh, 'sign up').some((c) => c.inverse)).toBe(false);
    expect(cellsOf(fresh, 'fastchat · end-to-end').every((c) => c.fg !== undefined)).toBe(true);
    await fresh.type(CTRL_T);
    await fresh.waitFor('Enter to sign up');
    expect(cellsOf(fresh, 'sign up').every((c) => c.inverse)).toBe(true);
    for (const t of [carol, term, fresh]) t.kill('SIGTERM');
    await Promise.all([carol.exited, term.exited, fresh.exited]);
  }, 90_000);

  it.each([
    ['NO_COLOR=1', { ...CI_SHELL, NO_COLOR: '1' }, []],
    ['--no-color', { ...CI_SHELL, FORCE_COLOR: '3' }, ['--no-color']],
  ])(
    '%s: no cell has a colour, but the login mode and the selected row are still inverse',
    async (label, env, extra) => {
      const suffix = label.startsWith('NO') ? 'a' : 'b';
      const other = await signUp(`fred${suffix}`, env, extra);
      const term = await signUp(`gina${suffix}`, env, extra);
      await term.waitFor(`fred${suffix}`, 20_000);
      expect(allCells(term).filter((c) => c.fg !== undefined || c.bg !== undefined)).toEqual([]);
      expect(cellsOf(term, `fred${suffix}`).every((c) => c.inverse)).toBe(true);
      // The focused pane is marked without colour too: its title is inverse.
      expect(cellsOf(term, 'Contacts').every((c) => c.inverse)).toBe(true);
      const fresh = start(`hugo${suffix}`, env, extra);
      await fresh.waitFor('log in   sign up');
      expect(allCells(fresh).filter((c) => c.fg !== undefined || c.bg !== undefined)).toEqual([]);
      expect(cellsOf(fresh, 'log in').every((c) => c.inverse)).toBe(true);
      for (const t of [other, term, fresh]) t.kill('SIGTERM');
      await Promise.all([other.exited, term.exited, fresh.exited]);
    },
    90_000,
  );
});
