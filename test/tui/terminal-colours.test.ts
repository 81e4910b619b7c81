import { Chalk } from 'chalk';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { chooseColours, stripColours } from '../../src/tui/terminal-colours.js';

describe('terminal colours', () => {
  it('comes from the terminal, whatever CI says', () => {
    expect(chooseColours({ CI: 'true', TERM: 'xterm-256color' })).toEqual({ level: 2, colours: true });
    expect(chooseColours({ CI: '1', CONTINUOUS_INTEGRATION: 'true', TERM: 'tmux-256color' })).toEqual({ level: 2, colours: true });
    expect(chooseColours({ TERM: 'xterm', COLORTERM: 'truecolor' })).toEqual({ level: 3, colours: true });
    expect(chooseColours({ TERM: 'screen' })).toEqual({ level: 1, colours: true });
  });

  it('--no-color and a non-empty NO_COLOR turn colour off; FORCE_COLOR decides over NO_COLOR; --no-color over all', () => {
    expect(chooseColours({ TERM: 'xterm-256color', NO_COLOR: '1' }).colours).toBe(false);
    expect(chooseColours({ TERM: 'xterm-256color', NO_COLOR: '' }).colours).toBe(true);
    expect(chooseColours({ TERM: 'xterm-256color' }, true).colours).toBe(false);
    expect(chooseColours({ TERM: 'xterm-256color', NO_COLOR: '1', FORCE_COLOR: '1' })).toEqual({ level: 2, colours: true });
    expect(chooseColours({ TERM: 'dumb', FORCE_COLOR: '3' })).toEqual({ level: 3, colours: true });
    expect(chooseColours({ TERM: 'xterm-256color', FORCE_COLOR: '0' }).colours).toBe(false);
    expect(chooseColours({ TERM: 'xterm-256color', FORCE_COLOR: '3' }, true).colours).toBe(false);
  });

  it('strips colours from SGR sequences but keeps bold, dim, inverse and resets', () => {
    const c = new Chalk({ level: 3 });
    const styled = c.bold.inverse.cyan.bgRed('x') + c.dim.hex('#ff0000')('y') + c.ansi256(200).underline('z');
    const plain = stripColours(styled);
    expect(plain).not.toMatch(/\u001b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7]|10[0-7])(;|m)/);
    expect(plain).toContain('\u001b[1m');
    expect(plain).toContain('\u001b[7m');
    expect(plain).toContain('\u001b[2m');
    expect(plain).toContain('\u001b[4m');
    expect(plain.replace(/\u001b\[[0-9;]*m/g, '')).toBe('xyz');
    expect(stripColours('\u001b[1;38;2;1;2;3;7mq\u001b[0m')).toBe('\u001b[1;7mq\u001b[0m');
  });

  it('the chalk whose level the TUI sets is the very module Ink styles with (one copy, resolved from both)', () => {
    const ours = createRequire(import.meta.url).resolve('chalk');
    const inks = createRequire(createRequire(import.meta.url).resolve('ink')).resolve('chalk');
    expect(inks).toBe(ours);
  });
});
