import { expect, it } from 'vitest';
import { useServerBin } from '../support/run-bin.js';

const world = useServerBin('fastchat-cli-');
const { fastchat } = world;

it('send to a contact whose key changed exits 1 with the reason, keeps nothing; after keys trust it goes', async () => {
  for (const user of ['alice', 'bob']) expect((await fastchat(user, ['signup', user])).code).toBe(0);
  // alice pins bob's first key.
  expect((await fastchat('alice', ['send', 'bob', 'hello bob'])).code).toBe(0);
  // bob takes another key into use.
  expect((await fastchat('bob', ['keys', 'import', await world.newKeyFile('bob')])).code).toBe(0);

  const refused = await fastchat('alice', ['send', 'bob', 'are you really bob?']);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toBe(
    "fastchat: bob's key changed, signed by the key you had pinned: compare fingerprints, trust the new key (/trust bob in the TUI, fastchat keys trust bob in a shell), then send it again (Ctrl-R in the TUI)\n",
  );
  expect(refused.stdout).toBe('');

  expect((await fastchat('alice', ['keys', 'trust', 'bob'])).code).toBe(0);
  expect((await fastchat('alice', ['send', 'bob', 'are you really bob? (again)'])).code).toBe(0);
  const read = await fastchat('bob', ['read', '--json']);
  const texts = read.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { text?: string; verified?: boolean });
  // What failed was never sent later (not by trust, not by the next fastchat that connected).
  expect(texts.filter((m) => m.text?.startsWith('are you'))).toEqual([
    expect.objectContaining({ text: 'are you really bob? (again)', verified: true }),
  ]);
}, 120_000);
