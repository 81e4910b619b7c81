import { afterEach, expect, it } from 'vitest';
import { ChatTestClient } from '../support/chat-client.js';
import { describeEachServer, type TestServer } from '../support/start-server.js';

const clients: ChatTestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
});

async function user(server: TestServer, name: string, mode: 'signup' | 'login' = 'signup'): Promise<ChatTestClient> {
  const client = await ChatTestClient.connect(server.listening.coordinatorPort);
  clients.push(client);
  return client[mode](name);
}

describeEachServer('presence, typing and receipts', (start) => {
  it('pushes presence to contacts; a user with two sessions stays online until the last closes', async () => {
    const server = await start();
    const wes = await user(server, 'wes');
    const xan = await user(server, 'xan');
    const stranger = await user(server, 'yul');
    await wes.send({ to: xan.id }, 'hello');
    const xanPhone = await user(server, 'xan', 'login');
    await xan.close();
    await new Promise((r) => setTimeout(r, 150));
    expect(wes.pushes.filter((p) => p.t === 'presence' && p.user === xan.id && !p.online)).toEqual([]);
    await xanPhone.close();
    const offline = await wes.waitForPush('presence', (p) => p.user === xan.id && !p.online);
    expect(offline.lastSeen).toBeGreaterThan(Date.now() - 60_000);
    await user(server, 'xan', 'login');
    await wes.waitForPush('presence', (p) => p.user === xan.id && p.online);
    // yul shares no conversation with xan: presence is not theirs to see.
    expect(stranger.pushes.filter((p) => p.t === 'presence')).toEqual([]);
  });

  it('relays typing to the other members only, and stores nothing', async () => {
    const server = await start();
    const [zed, amy, bo] = await Promise.all(['zed', 'amy', 'bo_'].map((n) => user(server, n)));
    const { conversation } = await zed!.send({ to: amy!.id }, 'hey');
    await zed!.rpc.request({ t: 'typing', conversation });
    await amy!.waitForPush('typing', (p) => p.conversation === conversation && p.user === zed!.id);
    await new Promise((r) => setTimeout(r, 100));
    expect(zed!.pushes.filter((p) => p.t === 'typing')).toEqual([]);
    expect(bo!.pushes.filter((p) => p.t === 'typing')).toEqual([]);
    const { messages } = await amy!.rpc.request({ t: 'history', conversation });
    expect(messages).toHaveLength(1);
  });

  it('flows delivered and read receipts back to the sender; cursors never go backwards', async () => {
    const server = await start();
    const cat = await user(server, 'cat');
    const dan = await user(server, 'dan');
    await dan.sync();
    const { conversation } = await cat.send({ to: dan.id }, 'one');
    await cat.send({ conversation }, 'two');
    await dan.until(() => dan.texts().length === 2, 'both');
    expect(await dan.rpc.request({ t: 'receipt', conversation, delivered: 2 })).toEqual({ deliveredSeq: 2, readSeq: 0 });
    await cat.waitForPush('receipt', (p) => p.user === dan.id && p.deliveredSeq === 2 && p.readSeq === 0);
    expect(await dan.rpc.request({ t: 'receipt', conversation, read: 1 })).toEqual({ deliveredSeq: 2, readSeq: 1 });
    expect(await dan.rpc.request({ t: 'receipt', conversation, read: 99 })).toEqual({ deliveredSeq: 2, readSeq: 2 });
    expect(await dan.rpc.request({ t: 'receipt', conversation, delivered: 1 })).toEqual({ deliveredSeq: 2, readSeq: 2 });
    await cat.waitForPush('receipt', (p) => p.user === dan.id && p.readSeq === 2);
    const view = (await cat.rpc.request({ t: 'conversations' })).conversations[0]!;
    expect(view).toMatchObject({ conversation, kind: 'direct', lastSeq: 2 });
  });

  it('lets admins rename and members leave, and refuses the rest', async () => {
    const server = await start();
    const [eve, fay, gus] = await Promise.all(['eve', 'fay', 'gus'].map((n) => user(server, n)));
    await Promise.all([eve!.sync(), fay!.sync(), gus!.sync()]);
    const { conversation } = await eve!.rpc.request({ t: 'group_create', name: 'book club', members: [fay!.id] });
    const id = conversation.conversation;
    await expect(fay!.rpc.request({ t: 'group_rename', conversation: id, name: 'mine' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(fay!.rpc.request({ t: 'group_add', conversation: id, user: gus!.id })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(eve!.rpc.request({ t: 'group_add', conversation: id, user: fay!.id })).rejects.toMatchObject({ code: 'conflict' });
    await eve!.rpc.request({ t: 'group_rename', conversation: id, name: 'reading circle' });
    await fay!.waitForPush('conversation', (p) => p.conversation === id && p.name === 'reading circle');
    await eve!.rpc.request({ t: 'group_add', conversation: id, user: gus!.id });
    const joined = await gus!.waitForPush('conversation', (p) => p.conversation === id);
    expect(joined.members.map((m) => m.user).sort()).toEqual([eve!.id, fay!.id, gus!.id].sort());
    await fay!.rpc.request({ t: 'group_leave', conversation: id });
    await eve!.waitForPush('conversation', (p) => p.conversation === id && p.members.length === 2);
    await expect(fay!.send({ conversation: id }, 'still here?')).rejects.toMatchObject({ code: 'forbidden' });
    // gus joined after the rename: he sees only what came from his addition on.
    await gus!.until(() => gus!.messages(id, 'any').length >= 2, 'his added event and the leave');
    expect(gus!.messages(id, 'any').map((m) => m.kind)).toEqual(['member_added', 'member_left']);
  });
});
