import { expect, it } from 'vitest';
import type { StoredRoster } from '../../src/client/client-state.js';
import { GroupRoster } from '../../src/client/group-roster.js';
import type { ConversationView, MessageView } from '../../src/protocol/index.js';

const ME = 1;

function world(rows: MessageView[] = []) {
  const rosters = new Map<number, StoredRoster>();
  const state = { roster: (c: number) => rosters.get(c), setRoster: (c: number, r: StoredRoster) => void rosters.set(c, r) };
  const fetched: number[] = [];
  const roster = new GroupRoster(state as never, ME, async (_c, seq) => {
    fetched.push(seq);
    return rows.find((r) => r.seq === seq);
  });
  const check = (view: ConversationView) =>
    roster
      .check(view, async (ids) => ids.map((id) => `user${id}`))
      .then(
        (to) =>
          to.length === view.members.length
            ? 'sent'
            : `sent, not to ${view.members
                .filter((m) => !to.includes(m))
                .map((m) => `user${m.user}`)
                .join(', ')}`,
        (error: Error & { code?: string }) => `${error.code}: ${/lists (.*) in/.exec(error.message)?.[1]}`,
      );
  return { roster, check, fetched };
}

function group(joinedSeq: number, members: Array<[user: number, joinedSeq: number]>): ConversationView {
  return {
    conversation: 7,
    kind: 'group',
    name: 'team',
    lastSeq: 50,
    role: 'member',
    joinedSeq,
    deliveredSeq: 0,
    readSeq: 0,
    members: members.map(([user, j]) => ({ user, role: 'member' as const, ...(j === 0 ? {} : { joinedSeq: j }) })),
  };
}

function event(kind: MessageView['kind'], seq: number, subject: number): MessageView {
  return { conversation: 7, seq, mid: seq, from: 2, cid: `event:${seq}`, kind, body: new Uint8Array(0), subject, ts: 0 };
}

it('trusts at first look whoever joined before this user; a later member needs their own member_added row', async () => {
  const { check, fetched } = world([event('member_added', 21, 4), event('message', 31, 2)]);
  expect(
    await check(
      group(10, [
        [ME, 10],
        [2, 0],
        [3, 5],
        [4, 20],
      ]),
    ),
  ).toBe('sent');
  expect(fetched).toEqual([21]);
  // Listed as having joined at 30: the row after it is a message, not their addition.
  expect(
    await check(
      group(10, [
        [ME, 10],
        [2, 0],
        [5, 30],
      ]),
    ),
  ).toBe('untrusted_members: user5');
});

it("a founder's own member_added row (their window starts at 0) does not unsettle them", async () => {
  const { roster, check, fetched } = world();
  const view = group(0, [
    [ME, 0],
    [2, 0],
  ]);
  roster.look(view);
  roster.noteEvent(event('member_added', 2, 2));
  expect(await check(view)).toBe('sent');
  expect(fetched).toEqual([]);
});

it('a member read leaving is not encrypted to under their old join point (a view older than the row, or a server putting them back); their new addition is', async () => {
  const rows = [event('member_added', 21, 4)];
  const { roster, check } = world(rows);
  roster.look(
    group(10, [
      [ME, 10],
      [2, 0],
    ]),
  );
  roster.noteEvent(rows[0]!);
  roster.noteEvent(event('member_removed', 25, 4));
  expect(
    await check(
      group(10, [
        [ME, 10],
        [2, 0],
        [4, 20],
      ]),
    ),
  ).toBe('sent, not to user4');
  rows.push(event('member_added', 41, 4));
  roster.noteEvent(rows[1]!);
  expect(
    await check(
      group(10, [
        [ME, 10],
        [2, 0],
        [4, 40],
      ]),
    ),
  ).toBe('sent');
  // A row read late (the inbox behind) does not take them back off.
  roster.noteEvent(event('member_removed', 25, 4));
  expect(
    await check(
      group(10, [
        [ME, 10],
        [2, 0],
        [4, 40],
      ]),
    ),
  ).toBe('sent');
});

it('added back after leaving, the user starts a new roster from their new window', async () => {
  const { roster, check } = world();
  roster.look(
    group(0, [
      [ME, 0],
      [2, 0],
    ]),
  );
  roster.noteEvent(event('member_left', 5, ME));
  // Away, bob added carol (3) at seq 8: before the user's new window at 12, so taken on first look.
  expect(
    await check(
      group(12, [
        [ME, 12],
        [2, 0],
        [3, 7],
      ]),
    ),
  ).toBe('sent');
});

it('accept trusts a stranger as listed now, and no one not listed', async () => {
  const { roster, check } = world();
  const view = group(0, [
    [ME, 0],
    [2, 0],
  ]);
  roster.look(view);
  const slipped = group(0, [
    [ME, 0],
    [2, 0],
    [6, 0],
  ]);
  expect(await check(slipped)).toBe('untrusted_members: user6');
  roster.accept(slipped, 6);
  expect(await check(slipped)).toBe('sent');
  expect(() => roster.accept(slipped, 9)).toThrow(/does not list them/);
});
