import { describe, expect, it } from 'vitest';
import { freePorts } from '../support/run-bin.js';
import { useTuiWorld } from '../support/tui-world.js';

/**
 * `fastchat tui` as people use it: two real terminals (node-pty + @xterm/headless) against a real
 * fastchat-server, both users signing up through the login screen.
 */
const world = useTuiWorld('fastchat-tui-');

const ENTER = '\r';

describe('fastchat tui in a real terminal', () => {
  it('two users sign up on the screen, one messages the other, who sees it unread until opened; /quit restores the screen', async () => {
    const [alice, bob] = await Promise.all([world.signUpOnScreen('alice'), world.signUpOnScreen('bob')]);
    await alice.type(...'/msg bob'.split(''), ENTER);
    await alice.waitFor('bob · online');
    await alice.type(...'hello from alice 你好'.split(''), ENTER);
    await alice.waitFor(/▸ alice ✓/);
    // Bob sees alice with an unread count (the directory is read again within seconds).
    await bob.waitFor(/alice\s+\(1\)/, 20_000);
    await bob.type(ENTER);
    const opened = await bob.waitFor('hello from alice 你好');
    expect(opened).not.toMatch(/alice\s+\(1\)/);
    await alice.waitFor('✓✓ read');
    await bob.type(...'/quit'.split(''), ENTER);
    expect(await bob.exited).toBe(0);
    expect(bob.bufferType()).toBe('normal');
    await alice.type(...'/quit'.split(''), ENTER);
    expect(await alice.exited).toBe(0);
    expect(alice.bufferType()).toBe('normal');
  }, 90_000);

  it('SIGTERM on the login screen restores the normal screen; an unreachable server is named', async () => {
    const [port] = await freePorts(1);
    const term = world.tuiWith({ server: `127.0.0.1:${port}` }, 'zed', '--user', 'zed');
    await term.waitFor('name:     zed');
    expect(term.bufferType()).toBe('alternate');
    await term.type('p', 'w', ENTER);
    // The error wraps inside the login box: allow the border and spaces between its words.
    await term.waitFor(new RegExp(`server unreachable: cannot reach the server at[\\s│]*127\\.0\\.0\\.1:${port}`));
    term.kill('SIGTERM');
    expect(await term.exited).toBe(143);
    expect(term.bufferType()).toBe('normal');
  }, 30_000);
});
