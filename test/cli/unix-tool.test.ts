import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN_DIR, runBin, startServerOnFreePorts, type RunningBin } from '../support/run-bin.js';

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
  return runBin('fastchat', argsOf(user, args), { FASTCHAT_PASSWORD: `pw-${user}` });
}

/**
 * Runs fastchat with stdout a pipe whose reading end this side closes: at once (`closeAt` 0: the
 * reader is gone before the command writes), or after the first line, as `head -1` does.
 */
function fastchatIntoClosedPipe(user: string, args: string[], closeAt: 0 | 1, onFirstLine = () => undefined as unknown) {
  const child = spawn(BIN_DIR + 'fastchat', argsOf(user, args), {
    env: { ...process.env, FASTCHAT_PASSWORD: `pw-${user}` },
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
