import { afterEach, expect, it } from 'vitest';
import { createLogger } from '../../src/util/logger.js';
import { LegacyTestClient } from '../support/legacy-client.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

/**
 * Every field of every legacy request, given the worst a peer can put there (issue 18): NUL, the wrong
 * type, numbers too big for any id. Each is refused before any SQL: that connection closes, the server
 * logs one line saying why, at info level, with no stack trace, and nothing else notices.
 */
let server: TestServer | undefined;
const clients: LegacyTestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.stop();
  server = undefined;
});

const BAD_VALUES: ReadonlyArray<readonly [string, unknown]> = [
  ['a NUL', 'a\u0000b'],
  ['an object', { a: 1 }],
  ['a nested list', [['1']]],
  ['null', null],
  ['true', true],
  ['a huge number', 1e300],
  ['a negative number', -1],
  ['a fraction', 1.5],
  ['digits past any id', '99999999999999999999'],
];

/** Fields any string (without NUL) may fill. */
const FREE_TEXT: ReadonlySet<string> = new Set(['name', 'password', 'group-name']);

it('each bad value in each field of each request closes that connection with one info line, before any SQL', async () => {
  const lines: string[] = [];
  server = await startTestServer({ nodePorts: 1, logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }) });
  const connect = async (name: string) => {
    const client = await LegacyTestClient.connect(server!.listening.coordinatorPort, name);
    clients.push(client);
    return client;
  };
  const ann = await connect('ann');
  expect(await ann.signup()).toBe('1');
  await ann.startNotifications();
  const ben = await connect('ben');
  expect(await ben.signup()).toBe('1');
  await ben.startNotifications();

  const good = (who: LegacyTestClient): Record<string, Record<string, unknown>> => ({
    signup: { 'info-type': 'signup', name: 'cal', password: who.hashed('pw'), public_key: who.publicKeyText },
    login: { 'info-type': 'login', name: 'ann', password: ann.hashed('pw') },
    start_notifications: { 'info-type': 'start_notifications', name: 'ANN' },
    'send-message': { 'info-type': 'send-message', text: '1 2 3', receiver: ben.id },
    'create-grp': { 'info-type': 'create-grp', 'group-name': 'team', admin: ann.id, members: [ann.id, ben.id] },
    'group-message': { 'info-type': 'group-message', text: '1 2 3', receiver: ben.id, group_id: '1' },
  });
  // Requests after login are made on a connection logged in as ann; signup and login on a fresh one.
  const cases: Array<{ request: string; field: string; label: string; value: unknown }> = [];
  for (const [request, object] of Object.entries(good(ann))) {
    for (const field of Object.keys(object).filter((f) => f !== 'info-type')) {
      for (const [label, value] of BAD_VALUES) {
        // A string of digits is a fine name, password or group name; only where an id or a ciphertext
        // is expected is it bad.
        if (label === 'digits past any id' && FREE_TEXT.has(field)) continue;
        cases.push({ request, field, label, value });
      }
    }
  }
  for (const { request, field, label, value } of cases) {
    const client = await connect(request === 'signup' ? 'cal' : 'ann');
    if (request !== 'signup' && request !== 'login') expect(await client.login()).toBe('1');
    const before = lines.length;
    client.write({ ...good(client)[request], [field]: value });
    await client.closed;
    const said = lines.slice(before).filter((line) => !/ DEBUG /.test(line) && !/logout|closing a connection that/.test(line));
    const what = `${request}.${field} = ${label}`;
    expect(
      said.filter((line) => / (ERROR|WARN) /.test(line)),
      what,
    ).toEqual([]);
    expect(
      said.filter((line) => /closing legacy connection after a bad object/.test(line)),
      what,
    ).toHaveLength(1);
    expect(said.join('\n'), what).not.toMatch(/\n\s+at /);
  }
  // Nothing else noticed: ann and ben still talk.
  ann.sendMessage(ben.id!, ben.publicKeyText, 'still here');
  const live = await ben.waitFor((o) => o['info-type'] === 'inst-msg', 'inst-msg');
  expect(ben.decrypt(live.text as string)).toBe('still here');
}, 300_000);
