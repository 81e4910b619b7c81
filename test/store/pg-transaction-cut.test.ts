import pg from 'pg';
import { expect, it } from 'vitest';
import { openDatabase } from '../../src/store/open-database.js';
import { describePostgres } from '../support/databases.js';

describePostgres('a transaction whose connection is cut between statements', (postgres, cleanup) => {
  it('fails that transaction only: no uncaught error, and the next transaction gets a fresh connection', async () => {
    const url = await postgres.databaseWithSchema();
    const db = await openDatabase({ url, dataDir: 'unused: a url is given' });
    cleanup.push(() => db.close());
    const failed = db.transaction(async (tx) => {
      const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      await admin.end();
      // Idle between statements while the server's FATAL arrives: pg emits it as an 'error' event.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await tx.query('SELECT 1');
    });
    await expect(failed).rejects.toThrow();
    const { rows } = await db.transaction((tx) => tx.query<{ one: number }>('SELECT 1 AS one'));
    expect(rows).toEqual([{ one: 1 }]);
  });
});
