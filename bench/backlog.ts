import type { KeyObject } from 'node:crypto';
import { cpus } from 'node:os';
import {
  SessionKeyCache,
  decodeContent,
  encodeContent,
  needsRotation,
  newOutboundSession,
  parseEnvelope,
  sealMessage,
  type OutboundSession,
  generateIdentityKey,
  importPublicKey,
  publicKeyDer,
  readMessage,
} from '../src/crypto/index.js';

/** Decrypt runs per bench; each is a fresh recipient (empty cache, keys imported anew). */
const RUNS = 3;
const CONVERSATION = 42;
const ALICE = 1;
const BOB = 2;

export interface BacklogResult {
  /** Messages in the backlog. */
  readonly messages: number;
  /** Best decrypt run: parse, unwrap once per session, verify, decrypt, decode every message. */
  readonly seconds: number;
  readonly perMessageMicros: number;
  /** Sender-key sessions in the backlog (each one RSA-OAEP unwrap for the reader). */
  readonly sessions: number;
  /** Mean cost of sealing one message of the backlog (two members, so mostly the RSA-PSS signature). */
  readonly sealPerMessageMicros: number;
  /** Every decrypt run, in seconds. */
  readonly runs: readonly number[];
}

interface StoredMessage {
  readonly senderId: number;
  readonly envelope: Buffer;
  readonly text: string;
}

/** The text of message `i`: chat-sized, and different each time so a wrong decryption shows. */
const textOf = (i: number) => `message ${i}: see you at the usual place around ${i % 24}:00?`;

/**
 * Builds a `count`-message conversation between two users (they take turns; each rotates its session
 * every 100 messages, as the client does), then times reading the whole backlog as a fresh device of
 * one of them would. Throws if any message does not come back verified with its text.
 */
export async function runBacklogBench(count = 10_000): Promise<BacklogResult> {
  const keys = new Map<number, KeyObject>([
    [ALICE, await generateIdentityKey()],
    [BOB, await generateIdentityKey()],
  ]);
  const members = [ALICE, BOB];
  const spki = new Map([...keys].map(([id, key]) => [id, publicKeyDer(key)] as const));
  const recipientKeys = new Map([...spki].map(([id, der]) => [id, importPublicKey(der)] as const));
  const outbound = new Map<number, OutboundSession>();
  const backlog: StoredMessage[] = [];
  let sessions = 0;
  const sealStarted = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const senderId = i % 2 === 0 ? ALICE : BOB;
    let session = outbound.get(senderId);
    if (needsRotation(session, members)) {
      session = newOutboundSession(members);
      outbound.set(senderId, session);
      sessions++;
    }
    const plaintext = encodeContent({ text: textOf(i), sentAt: 1_764_000_000_000 + i });
    const envelope = sealMessage({
      session: session!,
      conversationId: CONVERSATION,
      senderId,
      senderKey: keys.get(senderId)!,
      recipientKeys,
      plaintext,
    });
    backlog.push({ senderId, envelope, text: textOf(i) });
  }
  const sealSeconds = Number(process.hrtime.bigint() - sealStarted) / 1e9;

  const runs: number[] = [];
  for (let run = 0; run < RUNS; run++) runs.push(readBacklog(backlog, BOB, keys.get(BOB)!, spki));
  const seconds = Math.min(...runs);
  return {
    messages: count,
    seconds,
    perMessageMicros: (seconds / count) * 1e6,
    sessions,
    sealPerMessageMicros: (sealSeconds / count) * 1e6,
    runs,
  };
}

/** One fresh reader over the whole backlog; returns the seconds it took. */
function readBacklog(
  backlog: readonly StoredMessage[],
  myUserId: number,
  myPrivateKey: KeyObject,
  spki: ReadonlyMap<number, Buffer>,
): number {
  const started = process.hrtime.bigint();
  const cache = new SessionKeyCache();
  // Senders' public keys are imported once each, as the client keeps them, not once per message.
  const senderKeys = new Map<number, KeyObject>();
  for (const message of backlog) {
    let senderPublicKey = senderKeys.get(message.senderId);
    if (!senderPublicKey) senderKeys.set(message.senderId, (senderPublicKey = importPublicKey(spki.get(message.senderId)!)));
    const opened = readMessage({
      envelope: message.envelope,
      conversationId: CONVERSATION,
      senderId: message.senderId,
      myUserId,
      myPrivateKey,
      senderPublicKey,
      cache,
    });
    if (opened.status !== 'verified' || decodeContent(opened.plaintext).text !== message.text) {
      throw new Error(`backlog message came back ${opened.status}: ${JSON.stringify(opened)}`);
    }
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export interface GroupSealResult {
  readonly members: number;
  /** Sealing a session's first message: one RSA-OAEP wrap per member, then the signature. */
  readonly firstMessageMicros: number;
  /** Sealing a later message: one AES-GCM and one RSA-PSS signature, whatever the group size. */
  readonly laterMessageMicros: number;
  readonly envelopeBytesFirst: number;
  readonly envelopeBytesLater: number;
}

/** Times sealing in a group of `members` (all members share one key pair: wrapping costs the same). */
export async function runGroupSealBench(members: number, samples = 50): Promise<GroupSealResult> {
  const key = await generateIdentityKey();
  const publicKey = importPublicKey(publicKeyDer(key));
  const ids = Array.from({ length: members }, (_, i) => i + 1);
  const recipientKeys = new Map(ids.map((id) => [id, publicKey] as const));
  const plaintext = encodeContent({ text: textOf(1), sentAt: 1_764_000_000_000 });
  const seal = (session: OutboundSession) =>
    sealMessage({ session, conversationId: CONVERSATION, senderId: 1, senderKey: key, recipientKeys, plaintext });
  let first: Buffer = Buffer.alloc(0);
  let later: Buffer = Buffer.alloc(0);
  let firstNanos = 0n;
  let laterNanos = 0n;
  for (let i = 0; i < samples; i++) {
    const session = newOutboundSession(ids);
    const t0 = process.hrtime.bigint();
    first = seal(session);
    const t1 = process.hrtime.bigint();
    later = seal(session);
    laterNanos += process.hrtime.bigint() - t1;
    firstNanos += t1 - t0;
  }
  if (parseEnvelope(first).wrappedKeys.length !== members) throw new Error('first message does not wrap for every member');
  return {
    members,
    firstMessageMicros: Number(firstNanos) / samples / 1e3,
    laterMessageMicros: Number(laterNanos) / samples / 1e3,
    envelopeBytesFirst: first.length,
    envelopeBytesLater: later.length,
  };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The backlog figure, and optionally seal figures per group size, as a Markdown section. */
export function formatBacklogResult(results: readonly BacklogResult[], groups: readonly GroupSealResult[] = []): string {
  const lines = [
    `backlog decrypt, RSA-3072 identity keys, best of ${RUNS} fresh-reader runs, Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}`,
    '',
    '| messages | sessions | seconds | µs/message | runs (s) |',
    '| ---: | ---: | ---: | ---: | --- |',
    ...results.map(
      (result) =>
        `| ${fmt(result.messages)} | ${result.sessions} | ${fmt(result.seconds, 3)} | ${fmt(result.perMessageMicros, 1)} | ${result.runs.map((s) => fmt(s, 3)).join(', ')} |`,
    ),
    '',
    `seal, two members (backlog build): ${fmt(results.at(-1)!.sealPerMessageMicros)} µs/message`,
  ];
  if (groups.length > 0) {
    lines.push(
      '',
      '| members | seal first message (µs) | seal later message (µs) | first envelope (bytes) | later envelope (bytes) |',
      '| ---: | ---: | ---: | ---: | ---: |',
    );
    for (const g of groups) {
      lines.push(
        `| ${g.members} | ${fmt(g.firstMessageMicros)} | ${fmt(g.laterMessageMicros)} | ${fmt(g.envelopeBytesFirst)} | ${fmt(g.envelopeBytesLater)} |`,
      );
    }
  }
  return lines.join('\n');
}

/** The `backlog` scenario of bench/run.ts: backlogs of three lengths, then seal costs per group size. */
export async function runBacklogScenario(): Promise<string> {
  const backlogs: BacklogResult[] = [];
  for (const count of [1_000, 3_000, 10_000]) backlogs.push(await runBacklogBench(count));
  const groups = [await runGroupSealBench(2), await runGroupSealBench(10), await runGroupSealBench(100, 20)];
  return formatBacklogResult(backlogs, groups);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write((await runBacklogScenario()) + '\n');
}
