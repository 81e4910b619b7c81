import { beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/store/database.js';
import { describeEachDatabase } from '../support/databases.js';

const EVERY_BYTE = Uint8Array.from({ length: 512 }, (_, i) => (i * 7) % 256);

describeEachDatabase('Database', (open) => {
  let db: Database;
  beforeAll(async () => {
    db = (await open({ keep: 'suite' })).db;
    await db.query('CREATE TABLE notes (id bigint PRIMARY KEY, note text NOT NULL)');
  });

  it('maps bigint to number, timestamptz to Date and bytea to bytes, on both backends', async () => {
    const { rows } = await db.query<{ big: unknown; count: unknown; at: unknown; bytes: unknown }>(
      `SELECT $1::bigint AS big, (SELECT count(*) FROM generate_series(1, 3)) AS count,
              $2::timestamptz AS at, $3::bytea AS bytes`,
      [9_007_199_254_740_991, new Date('2026-03-04T05:06:07.089Z'), EVERY_BYTE],
    );
    expect(rows[0]).toEqual({
      big: 9_007_199_254_740_991,
      count: 3,
      at: new Date('2026-03-04T05:06:07.089Z'),
      bytes: expect.any(Uint8Array),
    });
    expect([...(rows[0]!.bytes as Uint8Array)]).toEqual([...EVERY_BYTE]);
  });

  it('binds JS arrays to array parameters, bytes elements included', async () => {
    const { rows } = await db.query<{ id: number; body: Uint8Array }>('SELECT * FROM unnest($1::bigint[], $2::bytea[]) AS u(id, body)', [
      [1, 2],
      [new Uint8Array([7]), new Uint8Array([8, 9])],
    ]);
    expect(rows.map((row) => [row.id, [...row.body]])).toEqual([
      [1, [7]],
      [2, [8, 9]],
    ]);
  });

  it('a transaction commits what its work did and returns its result', async () => {
    const result = await db.transaction(async (tx) => {
      await tx.query('INSERT INTO notes VALUES ($1, $2)', [1, 'kept']);
      return (await tx.query<{ n: number }>('SELECT count(*) AS n FROM notes WHERE id = 1')).rows;
    });
    expect(result).toEqual([{ n: 1 }]);
    expect((await db.query('SELECT note FROM notes WHERE id = 1')).rows).toEqual([{ note: 'kept' }]);
  });

  it('a transaction whose work throws is rolled back, and the error passed on', async () => {
    const failure = new Error('changed my mind');
    const outcome = db.transaction(async (tx) => {
      await tx.query('INSERT INTO notes VALUES ($1, $2)', [2, 'undone']);
      throw failure;
    });
    await expect(outcome).rejects.toBe(failure);
    expect((await db.query('SELECT * FROM notes WHERE id = 2')).rows).toEqual([]);
  });

  it('a failing statement rolls the whole transaction back', async () => {
    const outcome = db.transaction(async (tx) => {
      await tx.query('INSERT INTO notes VALUES ($1, $2)', [3, 'first']);
      await tx.query('INSERT INTO notes VALUES ($1, $2)', [3, 'same key']);
    });
    await expect(outcome).rejects.toMatchObject({ code: '23505' });
    expect((await db.query('SELECT * FROM notes WHERE id = 3')).rows).toEqual([]);
  });

  it('transactions give their connection back, also when they fail', async () => {
    // More than a pool's connections (10 by default): a leak would make this wait forever.
    for (let i = 0; i < 25; i++) {
      await expect(db.transaction((tx) => tx.query('SELECT 1/0'))).rejects.toThrow(/division by zero/);
    }
    const { rows } = await db.transaction((tx) => tx.query('SELECT 1 AS one'));
    expect(rows).toEqual([{ one: 1 }]);
  });
});
