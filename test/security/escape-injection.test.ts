import { expect, it } from 'vitest';
import { RequestFailedError } from '../../src/client/errors.js';
import { useServerWithClients } from '../support/client-harness.js';
import { DANGEROUS } from '../support/injection-corpus.js';
import { runBin } from '../support/run-bin.js';

const world = useServerWithClients();
const { clients } = world;

/** What a terminal would obey: set the title, ring, clear the screen, write the clipboard, reverse text, hide text. */
const HOSTILE_NAMES = [
  '\u001b]0;pwned\u0007',
  'ring\u0007',
  '\u001b[2J\u001b[H',
  '\u001b]52;c;cm0gLXJmIH4=\u0007',
  'abc\u202etxt.exe',
  'hi\u{e0049}\u{e0047}',
];

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: unknown) => (error instanceof RequestFailedError ? error.code : String(error)),
  );

/**
 * Finding 4 of the second security review (issue 17): anyone could create a group containing the
 * victim with ESC, BEL and OSC in its name. The server now refuses such names.
 */
it('finding 4: a group name holding control, bidirectional or invisible characters is refused at create and at rename', async () => {
  const alice = await clients.open('alice', 'signup');
  const bob = await clients.open('bob', 'signup');
  const { conversation } = await alice.request({ t: 'group_create', name: 'crew', members: [bob.user.id] });
  for (const name of HOSTILE_NAMES) {
    expect(await codeOf(alice.request({ t: 'group_create', name, members: [bob.user.id] })), JSON.stringify(name)).toBe('bad_request');
    expect(await codeOf(alice.request({ t: 'group_rename', conversation: conversation.conversation, name })), JSON.stringify(name)).toBe(
      'bad_request',
    );
  }
  const { conversations } = await bob.request({ t: 'conversations' });
  expect(conversations.map((c) => c.name)).toEqual(['crew']);
});

/**
 * Finding 4, the rest: names from the server skipped inert() (member lists, `fastchat users`), and
 * `read --json` passed C1 and bidi characters raw. Here the operator edits the database by hand (a
 * server that lies, or names stored before they were checked): no byte of it reaches the terminal raw.
 */
it('finding 4: hostile names a server sends and hostile texts reach no terminal raw: groups, users, read --json', async () => {
  const home = await clients.home();
  const alice = await clients.open('alice', 'signup', { home });
  const bob = await clients.open('bob', 'signup');
  const { conversation } = await alice.request({ t: 'group_create', name: 'crew', members: [bob.user.id] });
  await alice.close(); // so that the message below is new to `read` on this home
  const sent = await bob.send({ user: alice.user.id }, 'c1 \u009b31mred\u009c bidi \u202etxt.exe tag\u{e0041}');
  await sent.acked;

  const database = world.server.database;
  await database.query('UPDATE conversations SET name = $1 WHERE id = $2', ['\u001b]0;pwned\u0007crew', conversation.conversation]);
  await database.query('UPDATE users SET name = $1 WHERE id = $2', ['\u001b[2Jbob\u202e', bob.user.id]);

  const fastchat = (args: string[]) =>
    runBin(
      'fastchat',
      ['--plaintext', '--server', `127.0.0.1:${world.server.listening.coordinatorPort}`, '--home', home, '--user', 'alice', ...args],
      { FASTCHAT_PASSWORD: 'password of alice' },
    );
  // `read` first: any command that opens the account receives what is new.
  const read = await fastchat(['read', '--json']);
  const groups = await fastchat(['groups']);
  const users = await fastchat(['users']);
  for (const [command, result] of Object.entries({ groups, users, read })) {
    expect(result.code, `${command}: ${result.stderr}`).toBe(0);
    expect(result.stdout, command).not.toMatch(DANGEROUS);
    expect(result.stderr, command).not.toMatch(DANGEROUS);
  }
  // Shown, as visible escapes, not dropped.
  expect(groups.stdout).toContain('\\x1b]0;pwned\\x07crew');
  expect(groups.stdout).toContain('\\x1b[2Jbob\\u202e');
  expect(users.stdout).toContain('\\x1b[2Jbob\\u202e');
  const line = JSON.parse(read.stdout.trim().split('\n').at(-1)!) as { text: string };
  expect(line.text).toBe('c1 \u009b31mred\u009c bidi \u202etxt.exe tag\u{e0041}');
});
