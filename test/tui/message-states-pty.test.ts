import { describe, expect, it } from 'vitest';
import type { PtyScreen } from '../support/pty.js';
import { useTuiWorld } from '../support/tui-world.js';

/**
 * The own-message marks in real terminals against a real server: "✓✓ delivered" once the other
 * TUI has the message, "✓✓ read" once it is opened there, and "✓✓ read" again after the sender's
 * TUI restarts (restored from the server, not from memory).
 */
const world = useTuiWorld('fastchat-states-');

const ENTER = '\r';
// Named on the command line (--user), so no Tab races the next key under load: burst input is
// another test's subject.
const enter = (name: string, mode: 'signup' | 'login') => world.enterByUser(name, mode);

async function quit(term: PtyScreen): Promise<void> {
  await term.type(...'/quit'.split(''), ENTER);
  expect(await term.exited).toBe(0);
}

describe('message states in the TUI', () => {
  it('shows ✓✓ delivered when the other TUI has the message, ✓✓ read once it is opened, and ✓✓ read again after a restart', async () => {
    const [alice, bob] = await Promise.all([enter('alice', 'signup'), enter('bob', 'signup')]);
    await alice.type(...'/msg bob'.split(''), ENTER);
    await alice.waitFor('bob · online');
    await alice.type(...'are you there'.split(''), ENTER);
    // bob's TUI is running but has not opened the conversation: delivered, not read.
    await alice.waitFor(/▸ alice ✓✓ delivered/, 20_000);
    expect(alice.text()).not.toContain('✓✓ read');
    await bob.waitFor(/alice\s+\(1\)/, 20_000);
    await bob.type(ENTER);
    await bob.waitFor('are you there');
    await alice.waitFor(/▸ alice ✓✓ read/, 20_000);

    await quit(alice);
    const again = await enter('alice', 'login');
    await again.type(...'/msg bob'.split(''), ENTER);
    await again.waitFor('are you there', 20_000);
    await again.waitFor(/▸ alice ✓✓ read/);
    expect(again.text()).not.toMatch(/▸ alice ✓ sent/);
    await quit(again);
    await quit(bob);
  }, 120_000);
});
