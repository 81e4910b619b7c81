import { afterEach, expect, it } from 'vitest';
import { createLogger } from '../../src/util/logger.js';
import { describePostgres } from '../support/databases.js';
import { LegacyTestClient } from '../support/legacy-client.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

/**
 * Finding 10 of the second security review (issue 17), the legacy item: a NUL in a legacy field
 * reached PostgreSQL (whose text cannot hold one), failed there, and logged a stack trace per request.
 * Every legacy string field now refuses U+0000 before any SQL, with one info line; and a legacy group
 * name a terminal would obey is refused as a modern one is.
 */
let server: TestServer | undefined;
const clients: LegacyTestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.stop();
  server = undefined;
});

async function run(databaseUrl?: string): Promise<void> {
  const lines: string[] = [];
  server = await startTestServer({
    nodePorts: 1,
    ...(databaseUrl ? { databaseUrl } : {}),
    logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }),
  });
  const connect = async (name: string) => {
    const client = await LegacyTestClient.connect(server!.listening.coordinatorPort, name);
    clients.push(client);
    return client;
  };
  const ann = await connect('ann');
  expect(await ann.signup()).toBe('1');
  await ann.startNotifications();

  // A login whose name holds a NUL, and a group whose name holds one or an escape: each closes only
  // that connection, with a line saying why, and no error.
  const nulLogin = await connect('x');
  nulLogin.write({ 'info-type': 'login', name: 'a\u0000nn', password: 'pw' });
  await nulLogin.closed;
  for (const groupName of ['team\u0000', 'team\u001b]0;pwned\u0007']) {
    const again = await connect('ann');
    expect(await again.login()).toBe('1');
    again.write({ 'info-type': 'create-grp', 'group-name': groupName, admin: ann.id, members: [ann.id] });
    await again.closed;
  }
  expect(lines.filter((line) => / (ERROR|WARN) /.test(line))).toEqual([]);
  expect(lines.filter((line) => line.includes('closing legacy connection after a bad object')).length).toBeGreaterThanOrEqual(2);
  // No group was made: ann, logging in again, is in none.
  const check = await connect('ann');
  expect(await check.login()).toBe('1');
  expect((await check.startNotifications()).group_list).toEqual([]);
}

it('finding 10: a NUL or an escape in a legacy name is refused before any SQL, with one line and no stack trace [pglite]', () => run());

describePostgres('finding 10: legacy NUL', (postgres) => {
  it('is refused before any SQL, with one line and no stack trace', async () => run(await postgres.databaseWithSchema()));
});
