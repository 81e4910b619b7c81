import { EventEmitter } from 'node:events';
import { cpus } from 'node:os';
import { render } from 'ink';
import { createElement } from 'react';
import type { ClientEvents } from '../src/client/chat-client.js';
import type { ChatMessage } from '../src/client/message-reader.js';
import type { ConversationView } from '../src/protocol/index.js';
import { AppContainer } from '../src/tui/AppContainer.js';
import type { TuiClient } from '../src/tui/chat-port.js';
import { appReducer, createInitialState } from '../src/tui/state/app-reducer.js';
import { TUI_MAX_FPS } from '../src/tui/terminal.js';
import { TypedEmitter } from '../src/util/typed-emitter.js';
import { percentile } from './support/stats.js';

/** Conversation lengths the scenario renders (the target is set for the longest). */
const SIZES = [100, 1_000, 10_000];
const KEYSTROKES = 600;
/** Warm-up keystrokes not counted (JIT, first layouts). */
const WARMUP = 50;
/** Between keystrokes: a fast typist (about 200 words a minute). */
const GAP_MS = 60;
/** Characters typed before each Enter. */
const MESSAGE_LENGTH = 60;
const COLUMNS = 120;
const ROWS = 40;

class BenchClient extends TypedEmitter<ClientEvents> {
  readonly conversations = new Map<number, ConversationView>();
  readonly user = { id: 1, name: 'alice', kind: 'modern' as const, online: true };
  readonly identity = { fingerprint: '12345 67890' };
  readonly outbox = { size: 0 };
  readonly keyring = { get: () => undefined, unusableKey: () => undefined };
  readonly status = { state: 'connected' as const, node: { host: '127.0.0.1', port: 8001 } };
  readonly backlog = 0;
  readonly backlogTotal = 0;
  send = async () => ({ cid: 'x', acked: new Promise<never>(() => undefined) });
  history = async () => [] as ChatMessage[];
  request = (async (body: { t: string }) => (body.t === 'users' ? { users: [], more: false } : {})) as unknown as TuiClient['request'];
  changeMembers = async () => ({ seq: 0 });
  markRead = async () => undefined;
  findUser = async () => this.user;
  findGroup = () => this.conversations.get(1)!;
  nameOf = (id: number) => `user${id}`;
  trust = async () => undefined;
  acceptMember = async () => undefined;
  sessions = async () => [];
  endSession = async () => undefined;
  changePassword = async () => undefined;
  block = async () => undefined;
  unblock = async () => undefined;
  blocked = async () => [];
  close = async () => undefined;
}

/** A stdout that records when Ink writes a frame. */
class FakeStdout extends EventEmitter {
  readonly columns = COLUMNS;
  readonly rows = ROWS;
  readonly isTTY = true;
  onWrite: (() => void) | undefined;
  write = (_chunk: string) => {
    this.onWrite?.();
    return true;
  };
}

class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  #data: string | null = null;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const data = this.#data;
    this.#data = null;
    return data;
  };
  type(data: string) {
    this.#data = data;
    this.emit('readable');
  }
}

export interface KeystrokeResult {
  readonly messages: number;
  readonly keystrokes: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Types into the composer of a 10,000-message conversation and times each keystroke to its frame. */
/** Types into the composer with `messages` messages in the open conversation; times each keystroke. */
export async function runKeystrokeBench(messages = 10_000, keystrokes = KEYSTROKES, warmup = WARMUP): Promise<KeystrokeResult> {
  const client = new BenchClient();
  const view: ConversationView = {
    conversation: 1,
    kind: 'group',
    name: 'big',
    lastSeq: messages,
    role: 'admin',
    joinedSeq: 0,
    deliveredSeq: messages,
    readSeq: messages,
    members: [1, 2, 3].map((user) => ({ user, role: 'member' as const })),
  };
  client.conversations.set(1, view);
  const rows: ChatMessage[] = Array.from({ length: messages }, (_, i) => ({
    conversation: 1,
    seq: i + 1,
    mid: i + 1,
    cid: `c${i + 1}`,
    from: 2 + (i % 2),
    kind: 'message',
    text:
      i % 7 === 0
        ? `message ${i + 1}: 你好 👋🏽 a longer line that has to wrap across the pane because it goes on and on and on for a while`
        : `message ${i + 1}`,
    sentAt: 0,
    ts: Date.UTC(2026, 10, 1) + i * 60_000,
    trust: 'verified',
  }));
  let state = createInitialState({ id: 1, name: 'alice', fingerprint: '12345 67890' }, '127.0.0.1:8000');
  state = appReducer(state, {
    type: 'users',
    users: [
      { id: 2, name: 'bob', online: true },
      { id: 3, name: 'carol', online: false },
    ],
  });
  state = appReducer(state, { type: 'conversations', views: [view] });
  state = appReducer(state, { type: 'received', messages: rows });
  state = appReducer(state, { type: 'olderLoaded', conversation: 1, messages: [], hasOlder: false });
  state = appReducer(state, { type: 'open', conversation: 1 });

  const stdout = new FakeStdout();
  const stdin = new FakeStdin();
  const instance = render(
    createElement(AppContainer, { client, server: '127.0.0.1:8000', bell: false, onQuit: () => undefined, initialState: state }),
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      exitOnCtrlC: false,
      patchConsole: false,
      maxFps: TUI_MAX_FPS,
    },
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  const times: number[] = [];
  // No spaces: a trailing space does not change a colourless frame, so Ink (rightly) writes nothing.
  const text = 'thequickbrownfoxjumpsoverthelazydog';
  for (let i = 0; i < keystrokes + warmup; i++) {
    if (i > 0 && i % MESSAGE_LENGTH === 0) {
      // Send what was typed (Enter), as people do: the composer holds one message at a time.
      const sent = new Promise<void>((resolve) => (stdout.onWrite = resolve));
      stdin.type('\r');
      await Promise.race([sent, new Promise((resolve) => setTimeout(resolve, 200))]);
      await new Promise((resolve) => setTimeout(resolve, GAP_MS));
    }
    const started = process.hrtime.bigint();
    const framed = new Promise<void>((resolve) => (stdout.onWrite = resolve));
    stdin.type(text[i % text.length]!);
    // A keystroke that changed nothing on screen gets no frame: count it as the full second.
    await Promise.race([framed, new Promise((resolve) => setTimeout(resolve, 1000))]);
    stdout.onWrite = undefined;
    if (i >= warmup) times.push(Number(process.hrtime.bigint() - started) / 1e6);
    await new Promise((resolve) => setTimeout(resolve, GAP_MS));
  }
  instance.unmount();
  times.sort((a, b) => a - b);
  return {
    messages,
    keystrokes: times.length,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    max: times[times.length - 1]!,
  };
}

export async function runKeystrokeScenario(): Promise<string> {
  const results: KeystrokeResult[] = [];
  for (const size of SIZES) results.push(await runKeystrokeBench(size));
  const ms = (n: number) => n.toFixed(2);
  const longest = results.at(-1)!;
  return [
    `machine: ${cpus()[0]?.model ?? 'unknown'} ×${cpus().length}, Node.js ${process.version}; terminal ${COLUMNS}×${ROWS}`,
    '',
    '| messages | keystrokes | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) => `| ${r.messages.toLocaleString('en-US')} | ${r.keystrokes} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${ms(r.max)} |`,
    ),
    '',
    `target: p95 under 16 ms with ${longest.messages.toLocaleString('en-US')} messages — ${longest.p95 < 16 ? 'met' : 'NOT met'}`,
  ].join('\n');
}
