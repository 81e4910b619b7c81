import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_LINE } from '../support/emoji-corpus.js';
import { spawnPty, type PtyScreen } from '../support/pty.js';
import { runBin, startServerOnFreePorts, type RunningBin } from '../support/run-bin.js';
import { passwordOf } from '../support/passwords.js';

/**
 * Input as it really arrives in `fastchat tui` (node-pty + @xterm/headless): bursts of keys in one
 * write (Enter among them), the emoji corpus typed and pasted (bracketed, as the terminal sends a paste
 * once the TUI has turned the mode on), a paste over the message limit and one under it. The frame
 * must hold (never scroll, the status bar on its row) and what is sent must reach the peer intact.
 */
let server: RunningBin;
let root: string;
let coordinator: number;
const terminals: PtyScreen[] = [];
const COLS = 100;
const ROWS = 30;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fastchat-input-'));
  ({ server, coordinator } = await startServerOnFreePorts(join(root, 'server')));
}, 60_000);

afterAll(async () => {
  terminals.forEach((t) => t.kill());
  await server?.stop('SIGTERM');
  await rm(root, { recursive: true, force: true });
});

const ENTER = '\r';
const TAB = '\t';
const CTRL_T = '\u0014';
const CTRL_U = '\u0015';

function cli(user: string, ...args: string[]) {
  return runBin('fastchat', ['--server', `127.0.0.1:${coordinator}`, '--home', join(root, user), '--user', user, ...args], {
    FASTCHAT_PASSWORD: passwordOf(user),
  });
}

/** What bob has received from alice, oldest first. */
async function received(): Promise<string[]> {
  const out = await cli('bobby', 'history', 'alicia', '--json', '--limit', '50');
  expect(out.code, out.stderr).toBe(0);
  return out.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { from: string; text: string })
    .filter((m) => m.from === 'alicia')
    .map((m) => m.text);
}

async function receivedCount(n: number): Promise<string[]> {
  for (;;) {
    const texts = await received();
    if (texts.length >= n) return texts;
  }
}

/**
 * The frame holds: its top border is still the top row, the status bar on the row under the composer.
 * Waited for, not read once: a screen read between two writes of one redraw shows a half-drawn frame.
 * A frame that scrolled or broke stays so, and the wait ends with that screen.
 */
async function expectFrameIntact(term: PtyScreen): Promise<void> {
  await term.waitFor((screen) => {
    const rows = screen.split('\n');
    return /^╭/.test(rows[0]!) && /^● connected/.test(rows[ROWS - 2]!) && /╯\s*$/.test(rows[ROWS - 3]!);
  }, 15_000);
  expect(term.bufferType()).toBe('alternate');
}

describe('fastchat tui input', () => {
  it('a login burst, the emoji corpus typed and pasted, an over-limit paste refused, a 10,000-character paste sent intact', async () => {
    expect((await cli('bobby', 'signup', 'bobby')).code).toBe(0);
    const term = spawnPty('fastchat', ['--server', `127.0.0.1:${coordinator}`, '--home', join(root, 'alicia'), 'tui'], {
      cols: COLS,
      rows: ROWS,
    });
    terminals.push(term);
    await term.waitFor('log in   sign up');
    expect(term.bracketedPaste()).toBe(true);
    // "abc" and three Backspaces in ONE write: the password field is empty, not six dots.
    await term.type('alicia', TAB, 'abc\u007f\u007f\u007f');
    await term.type('x\u007f');
    await term.waitFor((s) => /password:\s+│/.test(s) || /password: *$/m.test(s));
    expect(term.text()).not.toContain('•');
    await term.type(passwordOf('alicia'), CTRL_T);
    await term.waitFor('Enter to sign up');
    expect(term.text()).toContain('•'.repeat(passwordOf('alicia').length));
    await term.type(ENTER);
    await term.waitFor('● connected', 30_000);
    // TLS by default: the certificate pinned at this first connection is named, to compare.
    await term.waitFor(/first connection to 127\.0\.0\.1: trusted its certificate[\s│]+[0-9A-F]{2}:/);
    const top = term.text().split('\n')[0];

    // A command and its Enter in ONE write (a fast typist on a busy machine): Enter is a key, not text.
    await term.type(`/msg bobby${ENTER}`);
    await term.waitFor('bobby · ');
    await term.type(`one write${ENTER}`);
    expect(await receivedCount(1)).toEqual(['one write']);
    // Typed fast: the whole corpus in one write, with a Backspace and arrows inside the burst.
    await term.type(`${CORPUS_LINE}!\u007f`);
    await term.waitFor(/› 👍🏽[^\n]*한국어/);
    await term.type(ENTER);
    expect(await receivedCount(2)).toEqual(['one write', CORPUS_LINE]);
    await expectFrameIntact(term);
    // Pasted: many rows of it in one write, with a line end (text in a paste), then Enter on its own.
    const pasted = `${Array.from({ length: 12 }, () => CORPUS_LINE).join(' ')}\r\n[end-corpus]`;
    await term.paste(pasted);
    await term.waitFor(/↑ [\s\S]*\[end-corpus\]/);
    await expectFrameIntact(term);
    await term.type(ENTER);
    expect(await receivedCount(3)).toEqual(['one write', CORPUS_LINE, pasted.replace('\r\n', '\n')]);
    await expectFrameIntact(term);
    expect(term.text().split('\n')[0]).toBe(top);

    // Over the limit: refused with a note, nothing sent; the layout holds.
    const huge = `${'y'.repeat(99_990)}[end-huge]`;
    await term.paste(huge);
    await term.waitFor(/↑ y{20}[\s\S]*\[end-huge\]/);
    await term.type(ENTER);
    await term.waitFor('not sent: the message is');
    await expectFrameIntact(term);
    await term.type(CTRL_U);
    await term.waitFor((s) => !/y{20}/.test(s));
    // Under it: 10,000 characters, sent as they are.
    const tenThousand = `${Array.from({ length: 9_990 }, (_, i) => 'abcdefghi '[i % 10]).join('')}[end-10k]`;
    await term.paste(tenThousand);
    await term.waitFor('[end-10k]');
    await term.type(ENTER);
    expect(await receivedCount(4)).toEqual(['one write', CORPUS_LINE, pasted.replace('\r\n', '\n'), tenThousand]);
    await expectFrameIntact(term);
    term.kill('SIGTERM');
    await term.exited;
    await term.waitFor(() => term.bufferType() === 'normal');
    expect(term.bracketedPaste()).toBe(false);
  }, 120_000);
});
