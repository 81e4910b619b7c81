import { expect, it } from 'vitest';
import { useTuiWorld } from '../support/tui-world.js';
import { passwordOf } from '../support/passwords.js';

/**
 * Sessions and a password change from the TUI, in real terminals against a real server: alice sees
 * her other terminal in /sessions, changes her password with /password, and that other terminal is
 * signed out at once while this one goes on; the old password logs nobody in, the new one does.
 */
const world = useTuiWorld('fastchat-tui-password-');
const { fastchat } = world;

const ENTER = '\r';
const ESC = '\u001b';
const typed = (text: string) => text.split('');

it('finding 2: /sessions lists the other terminal; /password signs it out, this one goes on, and only the new password logs in', async () => {
  for (const user of ['alice', 'bob']) expect((await fastchat(user, ['signup', user])).code).toBe(0);
  const here = await world.enterByUser('alice', 'login');
  const other = await world.enterByUser('alice', 'login');

  await here.type(...typed('/sessions'), ENTER);
  // Two sessions: this terminal's, marked, and the other's.
  await here.waitFor(
    (s) => s.includes('this terminal · since') && (s.match(/^.*\d+ {2}since \d{4}-\d\d-\d\d/gm) ?? []).length === 1,
    20_000,
  );
  await here.type(ESC);
  await here.waitFor((s) => !s.includes('Sessions ('));

  await here.type(...typed('/password'), ENTER);
  await here.waitFor('Change your password');
  await here.type(...typed(passwordOf('alice')), ENTER, ...typed('a new long passphrase'), ENTER, ...typed('a new long passphrase'), ENTER);
  await here.waitFor('password changed: every other session is signed out', 30_000);
  expect(here.text()).not.toContain('a new long passphrase');

  await other.waitFor((s) => s.includes('Signed out:') && s.includes('start fastchat again'), 20_000);
  // The status bar says so too, after the notice is dismissed.
  await other.type(ESC);
  await other.waitFor((s) => !s.includes('Signed out:') && s.includes('○ signed out: start fastchat again to log in'), 20_000);

  // This terminal is still connected: bob's message reaches it.
  expect((await fastchat('bob', ['send', 'alice', 'still there?'])).code).toBe(0);
  await here.type(...typed('/msg bob'), ENTER);
  await here.waitFor('still there?', 20_000);

  const old = await fastchat('alice', ['users']);
  expect(old.code).not.toBe(0);
  expect(old.stderr).toMatch(/wrong name or password/);
  expect((await fastchat('alice', ['users'], 'a new long passphrase')).code).toBe(0);

  await here.type(...typed('/quit'), ENTER);
  expect(await here.exited).toBe(0);
}, 180_000);
