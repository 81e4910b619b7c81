import { expect } from 'vitest';
import { spawnPty, type PtyOptions, type PtyScreen } from './pty.js';
import { useServerBin, type ServerBinWorld } from './run-bin.js';
import { passwordOf } from './passwords.js';

const ENTER = '\r';
const TAB = '\t';
const CTRL_T = '\u0014';

/** The terminal (size, environment) of one `fastchat tui`, and the server it is pointed at (the world's unless given). */
export interface TuiTerminal extends PtyOptions {
  server?: string;
}

/** How to start one `fastchat tui`: its terminal and arguments after `tui`. */
export interface TuiStart {
  pty?: TuiTerminal;
  args?: string[];
}

/** A real server for a whole test file, and real `fastchat tui` terminals against it (killed after all). */
export interface TuiWorld extends ServerBinWorld {
  /** `fastchat tui <args>` in a real terminal, from the home of `name`. */
  tui(name: string, ...args: string[]): PtyScreen;
  /** The same with the terminal's options (size, environment, server). */
  tuiWith(terminal: TuiTerminal, name: string, ...args: string[]): PtyScreen;
  /**
   * Signs `name` up through the login screen as a person does: name, Tab, password (never shown),
   * Ctrl-T to sign up, Enter; resolves once connected.
   */
  signUpOnScreen(name: string, start?: TuiStart): Promise<PtyScreen>;
  /**
   * Signs up or logs in `name` named by --user: the password field has the focus, so no Tab races the
   * next key under load. Each step is seen on the screen before the next.
   */
  enterByUser(name: string, mode: 'signup' | 'login', start?: TuiStart): Promise<PtyScreen>;
}

/** Registers its own beforeAll/afterAll; `prefix` names the temp root. */
export function useTuiWorld(prefix: string): TuiWorld {
  const terminals: PtyScreen[] = [];
  const world = useServerBin(prefix, () => terminals.forEach((t) => t.kill()));
  const tuiWith = ({ server, ...pty }: TuiTerminal, name: string, ...args: string[]): PtyScreen => {
    const term = spawnPty(
      'fastchat',
      ['--server', server ?? `127.0.0.1:${world.coordinator}`, '--home', world.home(name), 'tui', ...args],
      pty,
    );
    terminals.push(term);
    return term;
  };
  return {
    get root() {
      return world.root;
    },
    get coordinator() {
      return world.coordinator;
    },
    home: world.home,
    fastchat: world.fastchat,
    newKeyFile: world.newKeyFile,
    tui: (name, ...args) => tuiWith({}, name, ...args),
    tuiWith,
    async signUpOnScreen(name, start = {}) {
      const term = tuiWith(start.pty ?? {}, name, ...(start.args ?? []));
      await term.waitFor('log in   sign up');
      expect(term.bufferType()).toBe('alternate');
      await term.type(...name.split(''), TAB, ...passwordOf(name).split(''), CTRL_T);
      await term.waitFor('Enter to sign up');
      expect(term.text()).not.toContain(passwordOf(name));
      await term.type(ENTER);
      await term.waitFor('● connected', 30_000);
      return term;
    },
    async enterByUser(name, mode, start = {}) {
      const term = tuiWith(start.pty ?? {}, name, ...(start.args ?? []), '--user', name);
      await term.waitFor(`name:     ${name}`);
      await term.type(...passwordOf(name).split(''));
      await term.waitFor(`password: ${'•'.repeat(passwordOf(name).length)} `);
      if (mode === 'signup') {
        await term.type(CTRL_T);
        await term.waitFor('Enter to sign up');
      }
      await term.type(ENTER);
      await term.waitFor('● connected', 30_000);
      return term;
    },
  };
}
