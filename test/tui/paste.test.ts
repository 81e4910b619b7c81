import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { isText } from '../../src/tui/keys/keyMatchers.js';
import { outsidePaste, pastedLine, pastedText, pasteMarker, trackPaste } from '../../src/tui/keys/paste.js';

const TEXT = { ctrl: false, meta: false, shift: false, tab: false, return: false, escape: false, backspace: false, delete: false } as Key;
const RETURN = { ...TEXT, return: true } as Key;

describe('paste markers', () => {
  it('are recognised as Ink hands them to useInput (ESC stripped), and are never text', () => {
    // Ink 6 splits ESC[200~ / ESC[201~ into events of their own and strips the ESC.
    expect(pasteMarker('[200~', TEXT)).toBe('start');
    expect(pasteMarker('[201~', TEXT)).toBe('end');
    expect(isText('[200~', TEXT)).toBe(false);
    expect(isText('[201~', TEXT)).toBe(false);
    expect(pasteMarker('[200~x', TEXT)).toBeUndefined();
    expect(pasteMarker('[200~', { ...TEXT, meta: true })).toBeUndefined();
    expect(isText('hello', TEXT)).toBe(true);
  });

  it('track whether keys are inside a paste', () => {
    const state = outsidePaste();
    expect(trackPaste(state, 'a', TEXT)).toBe(false);
    expect(trackPaste(state, '[200~', TEXT)).toBe(true);
    expect(state.inside).toBe(true);
    expect(trackPaste(state, '[201~', TEXT)).toBe(true);
    expect(state.inside).toBe(false);
  });
});

describe('pasted text', () => {
  it('normalises \\r, \\r\\n and \\n to \\n, keeps tabs, drops other control characters', () => {
    expect(pastedText(outsidePaste(), 'a\rb\r\nc\nd\te\u007f\u0003f', TEXT)).toBe('a\nb\nc\nd\tef');
  });

  it('keeps \\r\\n one line end when it is split across reads, and takes a lone \\r (Ink: Enter) as a line end', () => {
    const state = outsidePaste();
    expect(pastedText(state, 'one\r', TEXT)).toBe('one\n');
    expect(pastedText(state, '\ntwo', TEXT)).toBe('two');
    expect(pastedText(state, '', RETURN)).toBe('\n');
    expect(pastedText(state, '\n', TEXT)).toBe('');
    expect(pastedText(state, '', { ...TEXT, tab: true })).toBe('\t');
    expect(pastedText(state, 'c', { ...TEXT, ctrl: true })).toBe('');
  });

  it('in a single-line field, line ends and tabs are dropped (or replaced)', () => {
    expect(pastedLine(outsidePaste(), 'pass\r\nword\t!', TEXT)).toBe('password!');
    expect(pastedLine(outsidePaste(), '', RETURN)).toBe('');
    expect(pastedLine(outsidePaste(), 'two\r\nwords', TEXT, ' ')).toBe('two words');
  });
});
