import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { readSchemaVersion, SCHEMA_VERSION, schemaPath } from '../../src/store/schema.js';

const repoSchema = resolve(import.meta.dirname, '../../schema.sql');

describe('schema.sql', () => {
  it('is found at the package root', () => {
    expect(schemaPath()).toBe(repoSchema);
  });

  it('inserts SCHEMA_VERSION as its highest schema_version row', async () => {
    const sql = await readFile(repoSchema, 'utf8');
    const inserted = [...sql.matchAll(/INSERT\s+INTO\s+schema_version\s*\(version\)\s*VALUES\s*\((\d+)\)/gi)].map((match) =>
      Number(match[1]),
    );
    expect(inserted.length).toBeGreaterThan(0);
    expect(Math.max(...inserted)).toBe(SCHEMA_VERSION);
  });

  it('has no psql meta-commands, which PGlite cannot run', async () => {
    const sql = await readFile(repoSchema, 'utf8');
    expect(sql.split('\n').filter((line) => line.trimStart().startsWith('\\'))).toEqual([]);
  });

  it('can be applied twice, leaving one row per version', async () => {
    const sql = await readFile(repoSchema, 'utf8');
    const pglite = await PGlite.create(); // in memory: this checks the file, not openDatabase
    try {
      await pglite.exec(sql);
      await pglite.exec(sql);
      expect(await readSchemaVersion(pglite)).toBe(SCHEMA_VERSION);
      const { rows } = await pglite.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_version WHERE version = $1', [
        SCHEMA_VERSION,
      ]);
      expect(rows[0]?.n).toBe(1);
    } finally {
      await pglite.close();
    }
  });
});
