import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { VERSION } from '../../src/version.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Which top-level folders of src/ each folder may import (docs/architecture.md § Layers). */
const ALLOWED: Record<string, readonly string[]> = {
  // util's inert-text: the wire shapes refuse (group names) and clean (names a client reads) what a terminal would obey.
  protocol: ['util'],
  crypto: ['util'],
  util: [],
  transport: ['protocol', 'util'],
  client: ['transport', 'protocol', 'crypto', 'util'],
  tui: ['client', 'protocol', 'crypto', 'util'],
  store: ['util'],
  server: ['protocol', 'store', 'crypto', 'util'],
  cli: ['tui', 'client', 'transport', 'server', 'store', 'protocol', 'crypto', 'util'],
};

/** Node modules only some folders may use (house rule 1). */
const RESTRICTED_MODULES: Record<string, readonly string[]> = {
  'node:net': ['transport', 'server/listen.ts'],
  'node:tls': ['transport', 'server/listen.ts'],
  pg: ['store'],
  '@electric-sql/pglite': ['store'],
};

/** Folders that must stay free of I/O (house rule: protocol and crypto are pure). */
const PURE = ['protocol', 'crypto'];
const IO_MODULES = /^node:(net|tls|fs|fs\/promises|child_process|http|https|dgram)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : /\.tsx?$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

const files = sourceFiles(SRC).map((path) => ({ path, rel: relative(SRC, path) }));

describe('layering', () => {
  it.each(files.map((f) => [f.rel, f.path]))('%s imports only from the layers below it', (rel, path) => {
    const layer = rel.includes('/') ? rel.split('/')[0]! : null;
    for (const specifier of importsOf(path)) {
      if (specifier.startsWith('.')) {
        const target = relative(SRC, join(path, '..', specifier));
        const targetLayer = target.includes('/') ? target.split('/')[0]! : null;
        if (targetLayer === null || layer === null || targetLayer === layer) continue;
        expect(ALLOWED[layer], `${rel} imports ${specifier}`).toContain(targetLayer);
      } else {
        const allowedIn = RESTRICTED_MODULES[specifier];
        if (allowedIn) expect(allowedIn.some((prefix) => rel.startsWith(prefix)), `${rel} imports ${specifier}`).toBe(true);
        if (layer && PURE.includes(layer)) expect(specifier, `${rel} is pure but imports ${specifier}`).not.toMatch(IO_MODULES);
      }
    }
  });

  it('keeps VERSION equal to package.json', () => {
    expect(VERSION).toBe(packageJson.version);
  });
});
