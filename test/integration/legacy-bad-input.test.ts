import { afterEach, expect, it } from 'vitest';
import { ChatTestClient } from '../support/chat-client.js';
import { LegacyTestClient } from '../support/legacy-client.js';
import { describeEachServer, type TestServer } from '../support/start-server.js';

let server: TestServer;
const legacy: LegacyTestClient[] = [];
afterEach(async () => {
  await Promise.all(legacy.splice(0).map((c) => c.close()));
});

async function rawClient(): Promise<LegacyTestClient> {
  const c = await LegacyTestClient.raw(server.listening.ports[0]!);
  legacy.push(c);
  return c;
}

async function ready(name: string): Promise<LegacyTestClient> {
  const c = await LegacyTestClient.connect(server.listening.coordinatorPort, name);
  legacy.push(c);
  expect(await c.signup()).toBe('1');
  await c.startNotifications();
  return c;
}

/** 64 KiB: the legacy codec's cap on an unfinished object (protocol limits). */
const CAP = 64 * 1024;

describeEachServer('legacy (2022) connections: bad input and --no-legacy', (start) => {
  it('garbage, an object that never closes, an endless string and a wrong field type each close only that connection', async () => {
    server = await start();
    const ann = await ready('ann');
    const ben = await ready('ben');
    const bad: Array<[string, (c: LegacyTestClient) => void]> = [
      ['garbage between objects', (c) => c.write('{"info-type":"get-users"} hello')],
      ['an object that never closes', (c) => c.write(`{"info-type":"login","name":[${'1,'.repeat(CAP / 2)}`)],
      ['an endless string', (c) => c.write(`{"info-type":"login","name":"${'x'.repeat(CAP + 10)}`)],
      ['a wrong field type', (c) => c.write({ 'info-type': 'login', name: ['ANN'], password: 'x' })],
      ['a request before login', (c) => c.write({ 'info-type': 'send-message', text: '1 2', receiver: ann.id })],
      ['an unknown info-type', (c) => c.write({ 'info-type': 'drop-tables' })],
    ];
    for (const [what, send] of bad) {
      const c = await rawClient();
      send(c);
      // However long a loaded machine takes: the test's timeout fails a connection left open.
      await c.closed;
      expect(c.isClosed, what).toBe(true);
    }
    // A logged-in client sending a wrong type is cut too; the others carry on.
    const cat = await ready('cat');
    cat.write({ 'info-type': 'send-message', text: 12345, receiver: ann.id });
    await cat.closed;
    ann.sendMessage(ben.id!, ben.publicKeyText, 'still here');
    const live = await ben.waitFor((o) => o['info-type'] === 'inst-msg', 'inst-msg');
    expect(ben.decrypt(live.text as string)).toBe('still here');
    expect(ann.isClosed).toBe(false);
    expect(ann.objects.filter((o) => !['new_user', 'old_user', 'Notifications'].includes(o['info-type'] as string))).toEqual([]);
  });

  it('with legacy support off, a legacy connection gets one plain-text line and is closed; modern clients are served', async () => {
    server = await start({ legacy: false });
    for (const port of [server.listening.coordinatorPort, server.listening.ports[0]!]) {
      const c = await LegacyTestClient.raw(port);
      legacy.push(c);
      c.write({ 'info-type': 'add-connection' });
      expect(await c.recv()).toBe('fastchat: this server does not serve the 2022 legacy clients (started with --no-legacy)\n');
      await c.closed;
    }
    const modern = await ChatTestClient.connect(server.listening.coordinatorPort);
    await modern.signup('modern-mo');
    expect(modern.user?.name).toBe('modern-mo');
    await modern.close();
  });
});
