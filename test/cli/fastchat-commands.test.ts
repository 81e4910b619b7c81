import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePorts, runBin, startBin, useServerBin } from '../support/run-bin.js';
import { WAIT_MS } from '../support/wait.js';
import { passwordOf } from '../support/passwords.js';

/**
 * The scriptable commands as a user runs them: real processes, two homes, one real server.
 * The tests build on each other in order, like a session at the terminal.
 */
const world = useServerBin('fastchat-cli-');
const { fastchat } = world;

describe('fastchat commands between two homes', () => {
  it('signup creates the account and keys and prints the fingerprint; the key file is encrypted, mode 0600', async () => {
    for (const user of ['alice', 'bob', 'carol']) {
      const { code, stdout } = await fastchat(user, ['signup', user]);
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^signed up as ${user} \\(id \\d+\\)\\nyour key fingerprint: (\\d{5} ){11}\\d{5}\\n`));
    }
    const keyFile = join(world.root, 'alice', 'alice', 'identity.pem');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(keyFile, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  });

  it('send, then read prints the message decrypted and verified, once', async () => {
    expect((await fastchat('alice', ['send', 'bob', 'hello bob'])).stdout).toMatch(/^sent to bob \(message 1 of conversation \d+\)/);
    const first = await fastchat('bob', ['read', '--json']);
    expect(first.code).toBe(0);
    const lines = first.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([expect.objectContaining({ from: 'alice', to: 'bob', text: 'hello bob', verified: true })]);
    expect(typeof lines[0]!.ts).toBe('string');
    expect((await fastchat('bob', ['read'])).stdout).toBe('');
  });

  it('groups: create, send to all, remove a member who then reads nothing new', async () => {
    expect((await fastchat('alice', ['group', 'create', 'team', 'bob', 'carol'])).stdout).toBe('created #team with 3 members\n');
    await fastchat('alice', ['send', '--group', 'team', 'hi team']);
    expect((await fastchat('carol', ['read'])).stdout).toMatch(/#team alice ✓ hi team/);
    // Unread counts the others' messages only: alice's own and the group's events are not unread.
    expect((await fastchat('alice', ['groups'])).stdout).toMatch(/^#team \(3 members, 0 unread\): alice\*, bob, carol/);
    expect((await fastchat('bob', ['groups'])).stdout).toMatch(/^#team \(3 members, 1 unread\)/);
    await fastchat('alice', ['group', 'remove', 'team', 'carol']);
    await fastchat('alice', ['send', '--group', 'team', 'carol cannot read this']);
    const carol = await fastchat('carol', ['read']);
    expect(carol.stdout).toMatch(/alice removed carol/);
    expect(carol.stdout).not.toContain('carol cannot read this');
    expect((await fastchat('bob', ['read'])).stdout).toContain('carol cannot read this');
  });

  it('a fresh home logs in with the password, recovers the key from the backup, and reads the history', async () => {
    const fresh = await runBin(
      'fastchat',
      ['--server', `127.0.0.1:${world.coordinator}`, '--home', join(world.root, 'bob-laptop'), '--user', 'bob', 'history', 'alice'],
      {
        FASTCHAT_PASSWORD: passwordOf('bob'),
      },
    );
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toMatch(/alice → bob ✓ hello bob/);
    const fingerprints = await Promise.all(
      ['bob', 'bob-laptop'].map((home) =>
        runBin(
          'fastchat',
          ['--server', `127.0.0.1:${world.coordinator}`, '--home', join(world.root, home), '--user', 'bob', 'keys', 'fingerprint'],
          { FASTCHAT_PASSWORD: passwordOf('bob') },
        ),
      ),
    );
    expect(fingerprints[0]!.stdout).toBe(fingerprints[1]!.stdout);
  });

  it('read --follow prints messages as they arrive', async () => {
    const follower = startBin(
      'fastchat',
      ['--server', `127.0.0.1:${world.coordinator}`, '--home', join(world.root, 'bob'), '--user', 'bob', 'read', '--follow'],
      {
        FASTCHAT_PASSWORD: passwordOf('bob'),
      },
    );
    try {
      // Sent before the follower has connected, the first may come as backlog; once it is printed the
      // follower is connected, so the second can only come live.
      await fastchat('alice', ['send', 'bob', 'live one']);
      await expect.poll(() => follower.stdout(), { timeout: WAIT_MS }).toMatch(/alice → bob ✓ live one/);
      await fastchat('alice', ['send', 'bob', 'live two']);
      await expect.poll(() => follower.stdout(), { timeout: WAIT_MS }).toMatch(/alice → bob ✓ live one\n.*alice → bob ✓ live two\n/);
    } finally {
      expect(await follower.stop('SIGINT')).toBe(0);
    }
  });

  it.each([
    [['send', 'nobody', 'x'], 'fastchat: no user named nobody'],
    [['send', '--group', 'no-such-group', 'x'], 'fastchat: you are in no group named no-such-group'],
    [['history', '--group', 'team', 'alice'], 'fastchat: name a user or a --group (one of them)'],
  ])('%j fails with one clear line', async (args, line) => {
    const { code, stderr } = await fastchat('alice', args);
    expect(code).not.toBe(0);
    expect(stderr.trim().split('\n')[0]).toBe(line);
  });

  it('a wrong password, and a server that is down, are one line each', async () => {
    const wrong = await fastchat('alice', ['users'], 'not my password');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe('fastchat: wrong name or password\n');
    const [closed] = await freePorts(1);
    const down = await runBin(
      'fastchat',
      ['--server', `127.0.0.1:${closed}`, '--home', join(world.root, 'alice'), '--user', 'alice', 'users'],
      {
        FASTCHAT_PASSWORD: passwordOf('alice'),
      },
    );
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(
      `fastchat: cannot reach the server at 127.0.0.1:${closed}: connection refused (is fastchat-server running?)\n`,
    );
  });

  it('keys export writes the encrypted key (mode 0600); users lists everyone with fingerprints', async () => {
    const file = join(world.root, 'alice-key.pem');
    expect((await fastchat('alice', ['keys', 'export', file])).code).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toMatch(/ENCRYPTED PRIVATE KEY/);
    const before = (await fastchat('alice', ['keys', 'fingerprint'])).stdout.split(': ')[1]!.trim();
    const imported = await fastchat('alice', ['keys', 'import', file]);
    expect(imported.stdout).toBe(`imported and published; your fingerprint is still ${before}\n`);
    const { stdout } = await fastchat('alice', ['users']);
    expect(
      stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(['alice', 'bob', 'carol']);
    expect(stdout).toMatch(/alice\s+online\s+(\d{5} ){11}\d{5}/);
  });

  it('keys new: bob gets a new key; alice is told it changed, signed by the key she pinned; bob still reads what came before, on every machine', async () => {
    const before = (await fastchat('bob', ['keys', 'fingerprint'])).stdout.split(': ')[1]!.trim();
    const made = await fastchat('bob', ['keys', 'new']);
    expect(made.code).toBe(0);
    const after = /your fingerprint is now ((?:\d{5} ){11}\d{5}) \(was ((?:\d{5} ){11}\d{5})\)/.exec(made.stdout);
    expect(after?.[2]).toBe(before);
    expect(after?.[1]).not.toBe(before);
    expect((await fastchat('bob', ['keys', 'fingerprint'])).stdout).toBe(`bob: ${after![1]}\n`);

    const seen = await fastchat('alice', ['keys', 'fingerprint', 'bob']);
    expect(seen.stdout).toContain(`bob: ${after![1]}\n`);
    expect(seen.stdout).toContain("WARNING: bob's key CHANGED (signed by the key you had pinned)");

    // bob's own machine, the laptop that still holds the old key, and a machine that never saw either.
    for (const home of ['bob', 'bob-laptop', 'bob-phone']) {
      const history = await runBin(
        'fastchat',
        ['--server', `127.0.0.1:${world.coordinator}`, '--home', join(world.root, home), '--user', 'bob', 'history', 'alice'],
        {
          FASTCHAT_PASSWORD: passwordOf('bob'),
        },
      );
      expect(history.stdout, home).toMatch(/alice → bob ✓ hello bob/);
    }
  });
});
