import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN_DIR, runBin, startServerOnFreePorts, type RunningBin } from '../support/run-bin.js';
import { passwordOf } from '../support/passwords.js';

/**
 * The CLI as a Unix tool, with real processes against one real server: pipes that close early,
 * refused input, and groups that share a name. The tests build on each other in order.
 */
let server: RunningBin;
let root: string;
let coordinator: number;

function argsOf(user: string, args: string[]): string[] {
  return ['--server', `127.0.0.1:${coordinator}`, '--home', join(root, user), '--user', user, ...args];
}

function fastchat(user: string, args: string[]) {
  return runBin('fastchat', argsOf(user, args), { FASTCHAT_PASSWORD: passwordOf(user) });
}

/**
 * Runs fastchat with stdout a pipe whose reading end this side closes: at once (`closeAt` 0: the
 * reader is gone before the command writes), or after the first line, as `head -1` does.
 */
function fastchatIntoClosedPipe(user: string, args: string[], closeAt: 0 | 1, onFirstLine = () => undefined as unknown) {
  const child = spawn(BIN_DIR + 'fastchat', argsOf(user, args), {
    env: { ...process.env, FASTCHAT_PASSWORD: passwordOf(user) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (c) => (stderr += c));
  if (closeAt === 0) child.stdout.destroy();
  else {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (!stdout.includes('\n') || child.stdout.destroyed) return;
      child.stdout.destroy();
      onFirstLine();
    });
  }
  return new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, stdout }));
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fastchat-unix-'));
  ({ server, coordinator } = await startServerOnFreePorts(join(root, 'server')));
  for (const user of ['alice', 'bob', 'carol', 'dave']) expect((await fastchat(user, ['signup', user])).code).toBe(0);
}, 90_000);

afterAll(async () => {
  await server?.stop('SIGTERM');
  await rm(root, { recursive: true, force: true });
});

describe('a reader that closes the pipe early', () => {
  it.each([[['users']], [['groups']], [['history', 'bob']], [['keys', 'fingerprint']]])('%j ends quietly with status 0', async (args) => {
    const { code, stderr } = await fastchatIntoClosedPipe('alice', args, 0);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('read --follow ends quietly once its reader has taken the first line and gone', async () => {
    expect((await fastchat('bob', ['send', 'alice', 'first'])).code).toBe(0);
    // The follower prints "first", its reader leaves, and the next message is written into a closed pipe.
    const follow = fastchatIntoClosedPipe('alice', ['read', '--follow'], 1, () => void fastchat('bob', ['send', 'alice', 'second']));
    const { code, stderr, stdout } = await follow;
    expect(stdout).toMatch(/bob → alice ✓ first/);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('a command cut off while taking the outbox lock', () => {
  // The commands above end with process.exit at the first write into their closed pipe, whatever they
  // are doing: alice's outbox pass may be taking the lock just then. Before the lock file was linked
  // into place with its pid, that left it empty, and every later send of hers waited 10 s, then failed.
  it('leaves nothing that holds up the next send: it prints its outcome and exits 0', async () => {
    await writeFile(join(root, 'alice', 'alice', 'outbox.lock'), '');
    const sent = await fastchat('alice', ['send', 'dave', 'after a cut-off command']);
    expect(sent.stderr).toBe('');
    expect(sent.stdout).toMatch(/^sent to dave \(message \d+ of conversation \d+\)\n$/);
    expect(sent.code).toBe(0);
  });
});

describe('blank messages', () => {
  it.each([[['send', 'bob', '']], [['send', 'bob', '   ']], [['send', 'bob', ' \n\t ']]])(
    '%j is refused with one line and never sent',
    async (args) => {
      const { code, stderr, stdout } = await fastchat('alice', args);
      expect(stderr).toBe('fastchat: nothing to send: the message is empty or only spaces\n');
      expect(code).toBe(1);
      expect(stdout).toBe('');
    },
  );

  it('a message over what one message holds is refused before it is queued, naming the limit', async () => {
    const { code, stderr, stdout } = await fastchat('alice', ['send', 'bob', 'x'.repeat(50_000)]);
    expect(stderr).toBe('fastchat: not sent: the message is 48.8 KiB; one message holds at most 48 KiB\n');
    expect(code).toBe(1);
    expect(stdout).toBe('');
  });

  it('bob received none of them', async () => {
    expect((await fastchat('bob', ['history', 'alice'])).stdout).not.toMatch(/alice → bob/);
  });
});

describe('group rename, and errors that name names', () => {
  it('an admin renames a group; its members see the new name', async () => {
    expect((await fastchat('alice', ['group', 'create', 'team', 'bob'])).stdout).toBe('created #team with 2 members\n');
    const renamed = await fastchat('alice', ['group', 'rename', 'team', 'crew']);
    expect(renamed.stderr).toBe('');
    expect(renamed.stdout).toBe('renamed #team to #crew\n');
    expect((await fastchat('bob', ['read'])).stdout).toMatch(/#crew \* alice renamed the group to "crew"/);
    expect((await fastchat('bob', ['groups'])).stdout).toMatch(/^#crew \(2 members/);
  });

  it.each([
    ['bob', ['group', 'rename', 'crew', 'mine'], 'fastchat: you are not an admin of #crew: only its admins can add, remove or rename'],
    ['bob', ['group', 'add', 'crew', 'carol'], 'fastchat: you are not an admin of #crew: only its admins can add, remove or rename'],
    ['alice', ['group', 'add', 'crew', 'bob'], 'fastchat: bob is already a member of #crew'],
    ['alice', ['group', 'remove', 'crew', 'dave'], 'fastchat: dave is not a member of #crew'],
  ])('%s %j fails naming the user and the group', async (user, args, line) => {
    const { code, stderr } = await fastchat(user, args);
    expect(code).toBe(1);
    expect(stderr).toBe(`${line}\n`);
  });
});

describe('two groups with the same name', () => {
  let first: string;
  let second: string;

  it('the second is created under a name that tells it apart', async () => {
    expect((await fastchat('alice', ['group', 'create', 'team', 'bob'])).stdout).toBe('created #team with 2 members\n');
    const created = await fastchat('alice', ['group', 'create', 'team', 'carol']);
    expect(created.stdout).toMatch(/^created #team#\d+ with 2 members \(you are in other groups named team: name this one team#\d+\)\n$/);
    const listed = (await fastchat('alice', ['groups'])).stdout;
    const ids = [...listed.matchAll(/^#team#(\d+) \(2 members, \d+ unread\): (.*)$/gm)].map((m) => [m[1]!, m[2]!]);
    expect(ids.map(([, members]) => members)).toEqual(['alice*, bob', 'alice*, carol']);
    [first, second] = ids.map(([id]) => id) as [string, string];
  });

  it.each([
    [['send', '--group', 'team', 'hi']],
    [['history', '--group', 'team']],
    [['group', 'add', 'team', 'dave']],
    [['group', 'rename', 'team', 'other']],
    [['group', 'leave', 'team']],
  ])('%j says which groups share the name and how to name one', async (args) => {
    const { code, stderr } = await fastchat('alice', args);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `fastchat: you are in 2 groups named team: team#${first} (alice, bob); team#${second} (alice, carol). Name one as team#${first}\n`,
    );
  });

  it('team#ID and #ID pick one, in every command', async () => {
    const sent = await fastchat('alice', ['send', '--group', `team#${second}`, 'for carol']);
    expect(sent.stdout, `exit ${sent.code}, stderr: ${sent.stderr}`).toMatch(new RegExp(`^sent to #team#${second} `));
    expect((await fastchat('alice', ['history', '--group', `#${second}`])).stdout).toMatch(new RegExp(`#team#${second} alice ✓ for carol`));
    // Carol is in one group named team: to her it is plain #team.
    expect((await fastchat('carol', ['read'])).stdout).toMatch(/#team alice ✓ for carol/);
    expect((await fastchat('bob', ['history', '--group', 'team'])).stdout).not.toContain('for carol');
    expect((await fastchat('alice', ['group', 'add', `team #${first}`, 'dave'])).stdout).toBe(`added dave to #team#${first}\n`);
    expect((await fastchat('alice', ['group', 'rename', `#${second}`, 'team2'])).stdout).toBe(`renamed #team#${second} to #team2\n`);
    const again = await fastchat('alice', ['send', '--group', 'team', 'one team again']);
    expect(again.stdout, `exit ${again.code}, stderr: ${again.stderr}`).toMatch(/^sent to #team /);
  });

  it('a group id that is not one of yours is not found', async () => {
    const { code, stderr } = await fastchat('dave', ['send', '--group', `#${second}`, 'x']);
    expect(code).toBe(1);
    expect(stderr).toBe(`fastchat: you are in no group #${second}\n`);
  });
});
