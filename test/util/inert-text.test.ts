import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_COMBINING_MARKS, hasUnsafeCharacters, inert, inertJson } from '../../src/util/inert-text.js';
import { WIDTH_CORPUS } from '../support/emoji-corpus.js';
import { DANGEROUS, INJECTION_CORPUS } from '../support/injection-corpus.js';

describe('inert', () => {
  it('shows every corpus entry with nothing left to obey', () => {
    for (const [label, text] of Object.entries(INJECTION_CORPUS)) expect(inert(text), label).not.toMatch(DANGEROUS);
  });

  // Issue 17, finding 4: these went through before.
  it('escapes soft hyphens, invisible operators, fillers and the deprecated format characters', () => {
    expect(inert('pay\u00adpal')).toBe('pay\\xadpal');
    expect(inert('a\u2061b\u2064c\u206ad\u206fe')).toBe('a\\u2061b\\u2064c\\u206ad\\u206fe');
    expect(inert('a\u115fb\u3164c\uffa0d\u180ee')).toBe('a\\u115fb\\u3164c\\uffa0d\\u180ee');
  });

  it('escapes tag characters (hidden ASCII), but keeps a subdivision flag whole', () => {
    expect(inert('hi\u{e0049}\u{e0047}')).toBe('hi\\u{e0049}\\u{e0047}');
    const scotland = '\u{1f3f4}\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}';
    expect(inert(`flag ${scotland}!`)).toBe(`flag ${scotland}!`);
    // Tags after the flag's cancel tag are not part of it.
    expect(inert(`${scotland}\u{e0041}`)).toBe(`${scotland}\\u{e0041}`);
  });

  it(`keeps ${MAX_COMBINING_MARKS} combining marks on a character and escapes the rest`, () => {
    const tower = `z${'\u0301'.repeat(12)}`;
    expect(inert(tower)).toBe(`z${'\u0301'.repeat(MAX_COMBINING_MARKS)}${'\\u0301'.repeat(12 - MAX_COMBINING_MARKS)}`);
  });

  it('leaves emoji, scripts and the Zalgo of the width corpus as they are', () => {
    for (const [label, text] of WIDTH_CORPUS) expect(inert(text), label).toBe(text);
  });

  it('is idempotent, and what it returns has nothing dangerous, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        const once = inert(text);
        expect(once).not.toMatch(DANGEROUS);
        expect(inert(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('names what a group name may not hold', () => {
    expect(hasUnsafeCharacters('team \u{1f680}')).toBe(false);
    expect(hasUnsafeCharacters('\u001b]0;pwned\u0007')).toBe(true);
    expect(hasUnsafeCharacters('abc\u202etxt')).toBe(true);
    expect(hasUnsafeCharacters('x\u{e0041}')).toBe(true);
    expect(hasUnsafeCharacters(`z${'\u0301'.repeat(MAX_COMBINING_MARKS + 1)}`)).toBe(true);
    expect(hasUnsafeCharacters('go \u{1f3f4}\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}')).toBe(false);
  });
});

describe('inertJson', () => {
  it('reads back as the same value and prints nothing to obey', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 40 })), (value) => {
        const json = inertJson(value);
        expect(json).not.toMatch(DANGEROUS);
        expect(JSON.parse(json)).toEqual(value);
      }),
      { numRuns: 1000 },
    );
    const text = Object.values(INJECTION_CORPUS).join(' ');
    expect(JSON.parse(inertJson({ text })).text).toBe(text);
  });
});
