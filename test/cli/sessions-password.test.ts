import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin, startBin, useServerBin } from '../support/run-bin.js';
import { WAIT_MS } from '../support/wait.js';
import { passwordOf } from '../support/passwords.js';

/**
 * `fastchat sessions` and `fastchat password` as a user runs them (issue 17, finding 2): one machine
 * follows alice's messages while she, elsewhere, looks at her sessions, ends the other ones and
 * changes her password. The tests build on each other in order.
 */
const world = useServerBin('fastchat-sessions-');
const { fastchat } = world;

/** `read --follow` as alice from her laptop's home: a session that stays. */
function follower(password: string) {
  return startBin(
    'fastchat',
    ['--server', `127.0.0.1:${world.coordinator}`, '--home', join(world.root, 'alice-laptop'), '--user', 'alice', 'read', '--follow'],
    {
      FASTCHAT_PASSWORD: password,
    },
  );
}

describe('fastchat sessions and fastchat password', () => {
  it('sessions lists the sessions alive: a finished command leaves none behind, a follower one', async () => {
    expect((await fastchat('alice', ['signup', 'alice'])).code).toBe(0);
    expect((await fastchat('bob', ['signup', 'bob'])).code).toBe(0);
    const alone = await fastchat('alice', ['sessions']);
    expect(alone.code).toBe(0);
    // Only this command's own: signup logged out when it finished.
    expect(alone.stdout.split('\n').filter((line) => /^\s+\d+\s+since/.test(line))).toEqual([expect.stringContaining('(this command)')]);

    const laptop = follower(passwordOf('alice'));
    try {
      await fastchat('bob', ['send', 'alice', 'are you there']);
      await expect.poll(() => laptop.stdout(), { timeout: WAIT_MS }).toContain('are you there');
      const both = await fastchat('alice', ['sessions']);
      const rows = both.stdout.split('\n').filter((line) => /^\s+\d+\s+since/.test(line));
      expect(rows).toHaveLength(2);
      expect(rows.filter((row) => row.includes('(this command)'))).toHaveLength(1);

      // Ending the others closes the follower at once; it says why and exits non-zero.
      const ended = await fastchat('alice', ['sessions', 'end', '--others']);
      expect(ended).toMatchObject({
        code: 0,
        stdout:
          'ended session ' +
          rows
            .find((r) => !r.includes('(this command)'))!
            .trim()
            .split(/\s+/)[0] +
          '\n',
      });
      await laptop.waitFor(/signed out: this session was ended/);
      expect(await laptop.stop()).toBe(1);
    } finally {
      await laptop.stop();
    }
  });

  it("sessions end names a session or --others, and only the user's own", async () => {
    const neither = await fastchat('alice', ['sessions', 'end']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('name one session ID, or --others');
    const unknown = await fastchat('alice', ['sessions', 'end', '999999']);
    expect(unknown).toMatchObject({ code: 1, stderr: 'fastchat: you have no session 999999\n' });
  });

  it('password changes the password, ends the follower, and the old one no longer logs in', async () => {
    const laptop = follower(passwordOf('alice'));
    try {
      await fastchat('bob', ['send', 'alice', 'again']);
      await expect.poll(() => laptop.stdout(), { timeout: WAIT_MS }).toContain('again');
      const changed = await runBin(
        'fastchat',
        ['--server', `127.0.0.1:${world.coordinator}`, '--home', world.home('alice'), '--user', 'alice', 'password'],
        {
          FASTCHAT_PASSWORD: passwordOf('alice'),
          FASTCHAT_NEW_PASSWORD: 'a new and longer passphrase',
        },
      );
      expect(changed.code).toBe(0);
      expect(changed.stdout).toMatch(/^password changed; every other session has ended/);
      await laptop.waitFor(/signed out: this session was ended/);
      expect(await laptop.stop()).toBe(1);
    } finally {
      await laptop.stop();
    }
    expect(await fastchat('alice', ['read'])).toMatchObject({ code: 1, stderr: 'fastchat: wrong name or password\n' });
    // The new password opens the keys this machine re-sealed, and the backup on the laptop.
    const here = await fastchat('alice', ['keys', 'fingerprint'], 'a new and longer passphrase');
    const there = await runBin(
      'fastchat',
      ['--server', `127.0.0.1:${world.coordinator}`, '--home', join(world.root, 'alice-laptop'), '--user', 'alice', 'keys', 'fingerprint'],
      {
        FASTCHAT_PASSWORD: 'a new and longer passphrase',
      },
    );
    expect(here.code).toBe(0);
    expect(there.stdout).toBe(here.stdout);
  });
});
