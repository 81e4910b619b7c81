import { describe, expect, it } from 'vitest';
import { useServerBin } from '../support/run-bin.js';

/** `fastchat block`, `unblock` and `blocked` as a user types them (issue 17, finding 8). */
const world = useServerBin('fastchat-block-');
const { fastchat } = world;

describe('fastchat block, unblock, blocked', () => {
  // Each test runs several commands (three sign-ups make keys): the budget is for the whole test on a busy machine.
  it('blocks a user by name: their sends fail with the reason and their group adds are refused', async () => {
    for (const user of ['alice', 'mallory', 'carol']) expect((await fastchat(user, ['signup', user])).code).toBe(0);
    expect(await fastchat('alice', ['block', 'mallory'])).toMatchObject({
      code: 0,
      stdout: 'blocked mallory: their direct messages to you are refused, and they cannot add you to groups\n',
    });
    expect(await fastchat('alice', ['blocked'])).toMatchObject({ code: 0, stdout: 'mallory\n' });

    const sent = await fastchat('mallory', ['send', 'alice', 'let me in']);
    expect(sent.code).toBe(1);
    expect(sent.stderr).toContain('alice does not take direct messages from you (they blocked you)');
    const forced = await fastchat('mallory', ['group', 'create', 'forced', 'alice', 'carol']);
    expect(forced).toMatchObject({ code: 1, stderr: 'fastchat: alice does not accept group adds from you\n' });
    expect((await fastchat('alice', ['read'])).stdout).toBe('');
  }, 180_000);

  it('unblock lifts it: mallory writes again', async () => {
    expect(await fastchat('alice', ['unblock', 'mallory'])).toMatchObject({ code: 0, stdout: 'unblocked mallory\n' });
    expect(await fastchat('alice', ['blocked'])).toMatchObject({ code: 0, stdout: '' });
    expect((await fastchat('mallory', ['send', 'alice', 'sorry'])).code).toBe(0);
    expect((await fastchat('alice', ['read'])).stdout).toContain('sorry');
  }, 120_000);

  it('names what it cannot do: an unknown user, oneself', async () => {
    expect(await fastchat('alice', ['block', 'nobody'])).toMatchObject({ code: 1, stderr: expect.stringContaining('nobody') });
    expect(await fastchat('alice', ['block', 'alice'])).toMatchObject({ code: 1, stderr: 'fastchat: user: you cannot block yourself\n' });
  });
});
