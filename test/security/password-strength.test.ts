import { expect, it } from 'vitest';
import { MIN_PASSWORD_SCORE, passwordStrength } from '../../src/client/password-strength.js';
import { runBin, useServerBin } from '../support/run-bin.js';

/**
 * Finding 7 (issue 17): any password was accepted — `a`, a 4-digit PIN — and one observed login
 * (or the server's table) let it fall offline in seconds. The CLI and the TUI now refuse a new
 * password zxcvbn scores under 3, at signup and at a change, before anything reaches the server.
 * (The TUI's side: test/tui/login-screen.test.tsx and test/tui/sessions-password.test.tsx.)
 */
const world = useServerBin('fastchat-strength-');

const cli = (user: string, args: string[], env: NodeJS.ProcessEnv) =>
  runBin('fastchat', ['--server', `127.0.0.1:${world.coordinator}`, '--home', world.home(user), '--user', user, ...args], env);

it('finding 7: the estimator scores the passwords that fell as weak and a few unrelated words as strong', async () => {
  for (const weak of ['a', '1234', '0000', 'password', 'alice2026', 'alice', 'qwertyuiop', 'fastchat1']) {
    expect((await passwordStrength('alice', weak)).score, weak).toBeLessThan(MIN_PASSWORD_SCORE);
  }
  for (const strong of ['correct horse battery staple', 'lamp orbit violet kettle', 'Tr0ub4dor&3 on Tuesdays']) {
    expect((await passwordStrength('alice', strong)).score, strong).toBeGreaterThanOrEqual(MIN_PASSWORD_SCORE);
  }
});

it('finding 7: fastchat signup refuses a guessable password with the reason, and creates no account', async () => {
  for (const weak of ['a', '1234']) {
    const refused = await cli('mallet', ['signup', 'mallet'], { FASTCHAT_PASSWORD: weak });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^fastchat: that password is too easy to guess \(strength [0-2] of 4, at least 3 needed/);
  }
  // Nothing was created: the name is still free, for a strong password.
  const created = await cli('mallet', ['signup', 'mallet'], { FASTCHAT_PASSWORD: 'lamp orbit violet kettle' });
  expect(created.code, created.stderr).toBe(0);
});

it('finding 7: fastchat password refuses a guessable new password, and the old one stays', async () => {
  const refused = await cli('mallet', ['password'], { FASTCHAT_PASSWORD: 'lamp orbit violet kettle', FASTCHAT_NEW_PASSWORD: '0000' });
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/too easy to guess/);
  expect((await cli('mallet', ['users'], { FASTCHAT_PASSWORD: 'lamp orbit violet kettle' })).code).toBe(0);
  expect((await cli('mallet', ['users'], { FASTCHAT_PASSWORD: '0000' })).code).toBe(1);
});
