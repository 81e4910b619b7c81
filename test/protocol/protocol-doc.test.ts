import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, PUSH_SCHEMAS, REQUEST_SCHEMAS } from '../../src/protocol/index.js';

const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
const headings = new Set([...doc.matchAll(/^### (.+)$/gm)].flatMap((m) => m[1]!.split(',').map((h) => h.trim())));

/** docs/protocol.md and src/protocol are kept in step: every message and code is documented. */
describe('docs/protocol.md', () => {
  it.each(Object.keys(REQUEST_SCHEMAS))('has a section for the "%s" request', (type) => {
    expect(headings).toContain(type);
  });

  it.each(Object.keys(PUSH_SCHEMAS))('lists the "%s" push', (type) => {
    expect(doc).toContain(`| \`${type}\` |`);
  });

  it.each([...ERROR_CODES])('explains the "%s" error code', (code) => {
    expect(doc).toContain(`| \`${code}\` |`);
  });
});
