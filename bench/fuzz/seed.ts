import type { Duplex } from 'node:stream';
import { packValue } from '../../src/protocol/msgpack.js';
import { FrameDecoder } from '../../src/protocol/index.js';
import { frameOf } from './framed-cases.js';
import type { ScriptKind } from './scripts.js';
import { LEGACY_KEY_TEXT, LEGACY_USERS, MODERN_USERS, passwordOf, secretOf } from './world.js';

/** Signs up the seeded users (through the protocol, as clients would) and a few groups among them. */
export async function seedAccounts(open: (kind: ScriptKind) => Promise<Duplex>): Promise<void> {
  for (const name of MODERN_USERS) {
    const replies = await exchange(await open('framed'), [
      { t: 'hello', versions: [1] },
      { t: 'signup', name, secret: secretOf(name) },
      { t: 'group_create', name: `${name}'s group`, members: [1, 2, 3] },
      { t: 'open_direct', user: 1 },
    ]);
    if (replies[1]?.t !== 'ok') throw new Error(`seeding ${name} failed: ${JSON.stringify(replies[1])}`);
  }
  for (const name of LEGACY_USERS) {
    const stream = await open('legacy');
    const reply = await new Promise<string>((resolve) => {
      stream.once('data', (chunk: Buffer) => resolve(chunk.toString()));
      stream.write(JSON.stringify({ 'info-type': 'signup', name, password: passwordOf(name), public_key: LEGACY_KEY_TEXT }));
    });
    stream.end();
    if (reply !== '1') throw new Error(`seeding legacy ${name} failed: ${reply}`);
  }
}

/** Sends requests one at a time and returns their replies; then ends the connection. */
async function exchange(stream: Duplex, requests: Array<Record<string, unknown>>): Promise<Array<Record<string, unknown>>> {
  const decoder = new FrameDecoder();
  const replies: Array<Record<string, unknown>> = [];
  let wake = () => {};
  stream.on('data', (chunk: Buffer) =>
    decoder.feed(chunk, (m) => (m.t === 'ok' || m.t === 'error' ? (replies.push(m), wake()) : undefined)),
  );
  for (const [i, request] of requests.entries()) {
    const arrived = new Promise<void>((resolve) => (wake = resolve));
    stream.write(frameOf(packValue({ ...request, id: i + 1 })));
    await arrived;
  }
  stream.resume();
  stream.end();
  return replies;
}
