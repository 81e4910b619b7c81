import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateIdentityKey } from '../../src/crypto/identity.js';
import { encryptPrivateKeyPem } from '../../src/crypto/private-key-pem.js';
import { spawnPty, type PtyScreen } from '../support/pty.js';
import { runBin, startServerOnFreePorts, type RunningBin } from '../support/run-bin.js';

/**
 * A message typed to a contact whose key changed, in a real terminal against a real server: it shows
 * ✗ FAILED with what to do, and after /trust, Ctrl-R sends it to the accepted key.
 */
let server: RunningBin;
let root: string;
let coordinator: number;
const terminals: PtyScreen[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fastchat-keychange-'));
  ({ server, coordinator } = await startServerOnFreePorts(join(root, 'server')));
}, 60_000);

afterAll(async () => {
  terminals.forEach((t) => t.kill());
  await server?.stop('SIGTERM');
  await rm(root, { recursive: true, force: true });
});

const ENTER = '\r';
const CTRL_R = '\u0012';
const REASON = "bob's key changed: compare fingerprints, trust the new key (/trust bob in the TUI, fastchat keys trust bob in a shell), then send it again (Ctrl-R in the TUI)";

function fastchat(user: string, args: string[]) {
  return runBin('fastchat', ['--server', `127.0.0.1:${coordinator}`, '--home', join(root, user), '--user', user, ...args], {
    FASTCHAT_PASSWORD: `pw-${user}`,
  });
}

it('a message to a changed key shows ✗ FAILED with what to do; after /trust, Ctrl-R sends it to the new key, verified', async () => {
  for (const user of ['alice', 'bob']) expect((await fastchat(user, ['signup', user])).code).toBe(0);
  // alice pins bob's first key; then bob takes another key into use.
  expect((await fastchat('alice', ['send', 'bob', 'hello bob'])).code).toBe(0);
  const file = join(root, 'bob-new-key.pem');
  await writeFile(file, encryptPrivateKeyPem(await generateIdentityKey(), 'pw-bob'));
  expect((await fastchat('bob', ['keys', 'import', file])).code).toBe(0);

  const alice = spawnPty('fastchat', ['--server', `127.0.0.1:${coordinator}`, '--home', join(root, 'alice'), 'tui', '--user', 'alice'], { cols: 160 });
  terminals.push(alice);
  await alice.waitFor('name:     alice');
  await alice.type(...'pw-alice'.split(''));
  await alice.waitFor(`password: ${'•'.repeat(8)} `);
  await alice.type(ENTER);
  await alice.waitFor('● connected', 30_000);
  await alice.type(...'/msg bob'.split(''), ENTER);
  await alice.waitFor('hello bob', 20_000);
  await alice.type(...'are you really bob?'.split(''), ENTER);
  // The reason in full (160 columns hold it on one row), under the message.
  // The reason is wrapped in full under the message: read the pane's rows as one text.
  const flowing = (screen: string) => screen.split('\n').map((row) => row.replace(/^.*?││\s*|\s*│\s*$/g, '')).join(' ').replace(/\s+/g, ' ');
  await alice.waitFor((s) => s.includes('▸ alice ✗ FAILED') && flowing(s).includes(REASON), 20_000);

  await alice.type(...'/trust bob'.split(''), ENTER);
  await alice.waitFor(/now trusting bob's key [\d ]+; Ctrl-R retries what failed/, 20_000);
  await alice.type(CTRL_R);
  // Queued again (the failed row goes), then acknowledged by the server.
  await alice.waitFor((s) => s.includes('are you really bob?') && !s.includes('✗ FAILED') && !s.includes('◷ queued'), 20_000);

  const read = await fastchat('bob', ['read', '--json']);
  const messages = read.stdout.trim().split('\n').map((l) => JSON.parse(l) as { text?: string; verified?: boolean });
  expect(messages.filter((m) => m.text === 'are you really bob?')).toEqual([expect.objectContaining({ verified: true })]);

  await alice.type(...'/quit'.split(''), ENTER);
  expect(await alice.exited).toBe(0);
}, 120_000);
