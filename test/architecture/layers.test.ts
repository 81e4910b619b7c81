import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  tui: ['client', 'protocol', 'util'],
  store: ['util'],
  server: ['protocol', 'store', 'crypto', 'util'],
  // crypto for the server's own certificate (server-tls.ts); a client's keys go through the client.
  cli: ['tui', 'client', 'server', 'store', 'protocol', 'crypto', 'util'],
};

/** Layers whose other layers import them through one module only: their public surface. */
const SURFACES: Record<string, { readonly module: string; readonly from: readonly string[] }> = {
  client: { module: 'client/index.ts', from: ['tui', 'cli'] },
  crypto: { module: 'crypto/index.ts', from: ['protocol', 'transport', 'client', 'tui', 'store', 'server', 'cli'] },
};

/** Node modules only some folders may use (house rule 1). */
const RESTRICTED_MODULES: Record<string, readonly string[]> = {
  'node:net': ['transport', 'server/ports/listen.ts'],
  'node:tls': ['transport', 'server/ports/listen.ts'],
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

/** The source file a relative specifier names (imports say `.js` for a `.ts` or `.tsx` file). */
function resolveImport(from: string, specifier: string): string | undefined {
  const base = join(from, '..', specifier).replace(/\.js$/, '');
  return [`${base}.ts`, `${base}.tsx`].find((candidate) => existsSync(candidate));
}

/** Every set of files that import each other round a circle (type-only imports count too): Tarjan's strongly connected components. */
function importCircles(): string[][] {
  const edges = new Map(
    files.map((f) => [
      f.path,
      importsOf(f.path)
        .filter((s) => s.startsWith('.'))
        .flatMap((s) => resolveImport(f.path, s) ?? []),
    ]),
  );
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const circles: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(file, Math.min(low.get(file)!, index.get(next)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component = stack.splice(stack.indexOf(file));
    if (component.length > 1) circles.push(component.map((path) => relative(SRC, path)).sort());
  };
  for (const file of edges.keys()) if (!index.has(file)) visit(file);
  return circles;
}

/** SQL statements as the store writes them (upper-case keywords), inside string literals only: comments may name NOTIFY. */
const SQL_TEXT =
  /\b(SELECT\s+[\w*$(]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|(CREATE|ALTER|DROP)\s+(TABLE|INDEX|DATABASE|EXTENSION)|TRUNCATE|pg_notify|LISTEN\s+\w|NOTIFY\s+\w|BEGIN(?=\s*(;|['"`]|TRANSACTION|ISOLATION))|COMMIT\b|ROLLBACK\b)/;

function sqlLiteralsIn(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  return [...code.matchAll(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g)]
    .map((m) => m[0])
    .filter((literal) => SQL_TEXT.test(literal));
}

describe('layering', () => {
  it.each(files.map((f) => [f.rel, f.path]))('%s imports only from the layers below it', (rel, path) => {
    const layer = rel.includes('/') ? rel.split('/')[0]! : null;
    for (const specifier of importsOf(path)) {
      if (specifier.startsWith('.')) {
        const target = relative(SRC, join(path, '..', specifier));
        const targetLayer = target.includes('/') ? target.split('/')[0]! : null;
        if (targetLayer === null || layer === null || targetLayer === layer) continue;
        expect(ALLOWED[layer], `${rel} imports ${specifier}`).toContain(targetLayer);
        const surface = SURFACES[targetLayer];
        if (surface?.from.includes(layer))
          expect(
            resolveImport(path, specifier) && relative(SRC, resolveImport(path, specifier)!),
            `${rel} imports ${specifier}, not ${surface.module}`,
          ).toBe(surface.module);
      } else {
        const allowedIn = RESTRICTED_MODULES[specifier];
        if (allowedIn)
          expect(
            allowedIn.some((prefix) => rel.startsWith(prefix)),
            `${rel} imports ${specifier}`,
          ).toBe(true);
        if (layer && PURE.includes(layer)) expect(specifier, `${rel} is pure but imports ${specifier}`).not.toMatch(IO_MODULES);
      }
    }
  });

  it('has no import circle: what a module needs is built before it', () => {
    expect(importCircles()).toEqual([]);
  });

  it.each(files.filter((f) => !f.rel.startsWith('store/')).map((f) => [f.rel, f.path]))(
    '%s holds no SQL (only src/store does)',
    (_rel, path) => {
      expect(sqlLiteralsIn(readFileSync(path, 'utf8'))).toEqual([]);
    },
  );

  it.each(files.filter((f) => f.rel.startsWith('tui/') && f.rel !== 'tui/theme.ts').map((f) => [f.rel, f.path]))(
    '%s names colours through the theme (tui/theme.ts), never literally',
    (_rel, path) => {
      const code = readFileSync(path, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
      const literals = [
        ...code.matchAll(/(['"`])(?:black|red|green|yellow|blue|magenta|cyan|white|gr[ae]y|#[0-9a-fA-F]{3,6})(?:Bright)?\1/g),
      ].map((m) => m[0]);
      expect(literals).toEqual([]);
    },
  );

  it('recognises SQL in a string and not in a comment', () => {
    expect(sqlLiteralsIn("// one NOTIFY per batch\nawait db.query('SELECT pg_notify($1, $2)', [c, p]);")).toEqual([
      "'SELECT pg_notify($1, $2)'",
    ]);
    expect(sqlLiteralsIn('/* UPDATE users SET x */ const a = `\n  UPDATE users SET name = $1`;')).toHaveLength(1);
    expect(sqlLiteralsIn("const note = 'select a user to write to'; // SELECT * FROM users")).toEqual([]);
    expect(sqlLiteralsIn("const pem = '-----BEGIN CERTIFICATE-----';")).toEqual([]);
    expect(sqlLiteralsIn("await db.query('BEGIN');")).toHaveLength(1);
  });

  it('keeps VERSION equal to package.json', () => {
    expect(VERSION).toBe(packageJson.version);
  });
});
