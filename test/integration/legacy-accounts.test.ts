import { afterEach, expect, it } from 'vitest';
import { LegacyTestClient, makeKeys } from '../support/legacy-client.js';
import { describeEachServer, type TestServer } from '../support/start-server.js';

let server: TestServer;
const legacy: LegacyTestClient[] = [];
afterEach(async () => {
  await Promise.all(legacy.splice(0).map((c) => c.close()));
});

/** Each name's key pair, kept across connections as the original kept ./pems/private_<name>.pem. */
const pems = new Map<string, ReturnType<typeof makeKeys>>();

async function client(name: string): Promise<LegacyTestClient> {
  const upper = name.toUpperCase();
  if (!pems.has(upper)) pems.set(upper, makeKeys());
  const c = await LegacyTestClient.connect(server.listening.coordinatorPort, name, pems.get(upper));
  legacy.push(c);
  return c;
}

/** Signs up, starts notifications, and returns the client with its id known. */
async function ready(name: string): Promise<LegacyTestClient> {
  const c = await client(name);
  expect(await c.signup()).toBe('1');
  await c.startNotifications();
  return c;
}

const id = expect.stringMatching(/^\d+$/);

describeEachServer('legacy (2022) clients: accounts, notifications, direct messages', (start) => {
  it('signs up (names upper-cased, taken in any case), logs in, and gets Notifications with the documented shapes', async () => {
    server = await start();
    const ada = await client('ada');
    expect(await ada.signup('secret')).toBe('1');
    const clash = await client('ADA');
    expect(await clash.signup('other')).toBe('0');
    const notifications = await ada.startNotifications();
    expect(notifications).toEqual({
      'info-type': 'Notifications',
      unread: [],
      'grp-unread': [],
      new_group: [],
      new_group_list: [],
      list: [['ADA', id, true, ada.publicKeyText]],
      group_list: [],
    });
    await ada.close();

    const again = await client('Ada');
    expect(await again.login('wrong')).toBe('0');
    const back = await client('ada');
    expect(await back.login('secret')).toBe('1');
    const second = await back.startNotifications();
    expect(second.list).toEqual([['ADA', ada.id, true, ada.publicKeyText]]);

    back.write({ 'info-type': 'get-users' });
    expect(await back.waitFor((o) => o['info-type'] === 'get-users', 'get-users')).toEqual({
      'info-type': 'get-users',
      list: [['ADA', ada.id]],
    });
  });

  it('the login reply is one read holding exactly "1", even when another login is announced meanwhile', async () => {
    server = await start();
    const watcher = await ready('watcher');
    for (const name of ['bea', 'cyd']) {
      const c = await client(name);
      expect(await c.signup()).toBe('1');
      await c.close();
    }
    const bea = await client('bea');
    expect(await bea.login()).toBe('1');
    // Cyd logs in while bea has not spoken since her reply: bea's old_user for cyd must wait.
    const cyd = await client('cyd');
    expect(await cyd.login()).toBe('1');
    await watcher.waitFor((o) => o['info-type'] === 'old_user' && o.name === 'cyd', 'old_user cyd');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(bea.unread).toBe('');
    await bea.startNotifications();
    const announced = await bea.waitFor((o) => o['info-type'] === 'old_user', 'old_user');
    expect(announced).toEqual({ 'info-type': 'old_user', name: 'cyd', id, public_key: cyd.publicKeyText });
    expect(watcher.objects.find((o) => o['info-type'] === 'old_user' && o.name === 'bea')).toBeDefined();
  });

  it('new_user and old_user carry the name exactly as the client sent it; lists keep the upper-case name', async () => {
    server = await start();
    const watcher = await ready('watcher');
    const mixed = await client('McKay');
    expect(await mixed.signup()).toBe('1');
    const joined = await watcher.waitFor((o) => o['info-type'] === 'new_user', 'new_user');
    // The 2022 client prints "=> McKay joined the server".
    expect(joined).toMatchObject({ name: 'McKay' });
    await mixed.close();
    const again = await client('mckay');
    expect(await again.login()).toBe('1');
    expect(await watcher.waitFor((o) => o['info-type'] === 'old_user', 'old_user')).toMatchObject({ name: 'mckay', id: joined.id });
    watcher.write({ 'info-type': 'get-users' });
    const users = await watcher.waitFor((o) => o['info-type'] === 'get-users', 'get-users');
    expect(users.list).toContainEqual(['MCKAY', joined.id]);
  });

  it('direct messages between two legacy clients: live as inst-msg, offline in Notifications exactly once', async () => {
    server = await start();
    const ann = await ready('ann');
    const ben = await ready('ben');
    const benKey = ben.publicKeyText;
    const annNew = await ann.waitFor((o) => o['info-type'] === 'new_user' && o.name === 'ben', 'new_user ben');
    expect(annNew).toEqual({ 'info-type': 'new_user', name: 'ben', id: ben.id, public_key: benKey });

    ann.sendMessage(ben.id!, benKey, 'hello ben');
    const live = await ben.waitFor((o) => o['info-type'] === 'inst-msg', 'inst-msg');
    expect(live).toEqual({ 'info-type': 'inst-msg', text: expect.stringMatching(/^\d+( \d+)+$/), sender: ann.id });
    expect(ben.decrypt(live.text as string)).toBe('hello ben');

    await ben.close();
    ann.sendMessage(ben.id!, benKey, 'while you were away');
    ann.sendMessage(ben.id!, benKey, 'and again');
    // Wait until both are stored: a get-users round trip comes after them on ann's connection.
    ann.write({ 'info-type': 'get-users' });
    await ann.waitFor((o) => o['info-type'] === 'get-users', 'get-users');
    await new Promise((resolve) => setTimeout(resolve, 100));

    const benBack = await client('ben');
    expect(await benBack.login()).toBe('1');
    const notifications = await benBack.startNotifications();
    expect((notifications.unread as string[][]).map(([sender, text]) => [sender, benBack.decrypt(text!)])).toEqual([
      [ann.id, 'while you were away'],
      [ann.id, 'and again'],
    ]);
    expect(benBack.objects.filter((o) => o['info-type'] === 'inst-msg')).toEqual([]);
    await benBack.close();

    const benThird = await client('ben');
    expect(await benThird.login()).toBe('1');
    expect((await benThird.startNotifications()).unread).toEqual([]);
  });

  it('groups of legacy clients: group_added to every online member, grp-inst-msg live, grp-unread and new_group offline', async () => {
    server = await start();
    const [ann, ben, cat] = [await ready('ann'), await ready('ben'), await ready('cat')];
    await cat.close();
    ann.write({ 'info-type': 'create-grp', 'group-name': 'trio', admin: ann.id, members: [ann.id, ben.id, cat.id] });
    const added = await ben.waitFor((o) => o['info-type'] === 'group_added', 'group_added');
    expect(added).toEqual({
      'info-type': 'group_added',
      group_name: 'trio',
      admin: ann.id,
      group_id: id,
      group_members: [ann.id, ben.id, cat.id],
    });
    expect(await ann.waitFor((o) => o['info-type'] === 'group_added', 'group_added')).toEqual(added);
    const group = added.group_id as string;

    const keys = new Map([ann, ben, cat].map((c) => [c.id!, c.publicKeyText]));
    ann.sendGroupMessage(
      group,
      [...keys].map(([memberId, key]) => ({ id: memberId, key })),
      'hi trio',
    );
    const live = await ben.waitFor((o) => o['info-type'] === 'grp-inst-msg', 'grp-inst-msg');
    expect(live).toEqual({ 'info-type': 'grp-inst-msg', text: expect.any(String), sender: ann.id, group_id: group });
    expect(ben.decrypt(live.text as string)).toBe('hi trio');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(ben.objects.filter((o) => o['info-type'] === 'grp-inst-msg')).toHaveLength(1);

    const catBack = await client('cat');
    expect(await catBack.login()).toBe('1');
    const notifications = await catBack.startNotifications();
    expect(notifications.new_group).toEqual([['trio', ann.id]]);
    expect(notifications.new_group_list).toEqual([[group, [[ann.id], [ben.id], [cat.id]]]]);
    expect(notifications.group_list).toEqual([['trio', group]]);
    expect((notifications['grp-unread'] as string[][]).map(([s, t, g]) => [s, catBack.decrypt(t!), g])).toEqual([
      [ann.id, 'hi trio', group],
    ]);
  });
});
