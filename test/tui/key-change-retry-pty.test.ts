import { expect, it } from 'vitest';
import { useTuiWorld } from '../support/tui-world.js';

/**
 * A message typed to a contact whose key changed, in a real terminal against a real server: it shows
 * ✗ FAILED with what to do, and after /trust, Ctrl-R sends it to the accepted key.
 */
const world = useTuiWorld('fastchat-keychange-');
const { fastchat } = world;

const ENTER = '\r';
const CTRL_R = '\u0012';
const REASON =
  "bob's key changed, signed by the key you had pinned: compare fingerprints, trust the new key (/trust bob in the TUI, fastchat keys trust bob in a shell), then send it again (Ctrl-R in the TUI)";

it('a message to a changed key shows ✗ FAILED with what to do; after /trust, Ctrl-R sends it to the new key, verified', async () => {
  for (const user of ['alice', 'bob']) expect((await fastchat(user, ['signup', user])).code).toBe(0);
  // alice pins bob's first key; then bob takes another key into use.
  expect((await fastchat('alice', ['send', 'bob', 'hello bob'])).code).toBe(0);
  expect((await fastchat('bob', ['keys', 'import', await world.newKeyFile('bob')])).code).toBe(0);

  const alice = await world.enterByUser('alice', 'login', { pty: { cols: 160 } });
  await alice.type(...'/msg bob'.split(''), ENTER);
  await alice.waitFor('hello bob', 20_000);
  await alice.type(...'are you really bob?'.split(''), ENTER);
  // The reason in full (160 columns hold it on one row), under the message.
  // The reason is wrapped in full under the message: read the pane's rows as one text.
  const flowing = (screen: string) =>
    screen
      .split('\n')
      .map((row) => row.replace(/^.*?││\s*|\s*│\s*$/g, ''))
      .join(' ')
      .replace(/\s+/g, ' ');
  await alice.waitFor((s) => s.includes('▸ alice ✗ FAILED') && flowing(s).includes(REASON), 20_000);

  await alice.type(...'/trust bob'.split(''), ENTER);
  await alice.waitFor(/now trusting bob's key [\d ]+; Ctrl-R retries what failed/, 20_000);
  await alice.type(CTRL_R);
  // Queued again (the failed row goes), then acknowledged by the server.
  await alice.waitFor((s) => s.includes('are you really bob?') && !s.includes('✗ FAILED') && !s.includes('◷ queued'), 20_000);

  const read = await fastchat('bob', ['read', '--json']);
  const messages = read.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { text?: string; verified?: boolean });
  expect(messages.filter((m) => m.text === 'are you really bob?')).toEqual([expect.objectContaining({ verified: true })]);

  await alice.type(...'/quit'.split(''), ENTER);
  expect(await alice.exited).toBe(0);
}, 120_000);
