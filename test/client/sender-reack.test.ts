import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Identity } from '../../src/client/account.js';
import type { ClientState } from '../../src/client/client-state.js';
import type { Member } from '../../src/client/entry-sealer.js';
import { RequestFailedError, RequestTimeoutError } from '../../src/client/errors.js';
import type { Keyring } from '../../src/client/keyring.js';
import { LocalStore } from '../../src/client/local-store.js';
import { Outbox, type OutboxEntry } from '../../src/client/outbox.js';
import type { RpcConnection } from '../../src/client/rpc-connection.js';
import { Sender, type SendOutcome } from '../../src/client/sender.js';

/** Above Linux's largest pid_max (2^22): never a live process, so its entries are anyone's to take over. */
const GONE_PID = 2 ** 22 + 1;

let home: string | undefined;
afterEach(async () => {
  if (home) await rm(home, { recursive: true, force: true });
  home = undefined;
});

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('Sender: one outcome per message (found by chaos: `sent` twice for one cid)', () => {
  it('a message acked while a pass waits on an earlier entry is not sent again by that pass', async () => {
    home = await mkdtemp(join(tmpdir(), 'fastchat-sender-'));
    const store = new LocalStore(home, 'erin');
    // X is sealed and addressed already (so sending it needs nothing but the connection).
    const x: OutboxEntry = {
      cid: 'x',
      conversation: 5,
      sealedContent: '',
      envelope: Buffer.from('sealed').toString('base64'),
      createdAt: 1,
      owner: process.pid,
    };
    await store.writeJson('outbox.json', [x]);
    const outbox = await Outbox.load(store);

    const sends: string[] = [];
    const firstAck = deferred<unknown>();
    const firstSend = deferred<void>();
    const rpc = {
      request: (body: { t: string; cid: string; conversation: number }) => {
        sends.push(body.cid);
        firstSend.resolve();
        const ack = { conversation: body.conversation, seq: sends.length, mid: sends.length, ts: 0, duplicate: sends.length > 1 };
        return sends.length === 1 ? firstAck.promise.then(() => ack) : Promise.resolve(ack);
      },
    } as unknown as RpcConnection;
    const asked = deferred<void>();
    const membersOfD = deferred<Member[]>();
    const members = (conversation: number) => {
      expect(conversation).toBe(6);
      asked.resolve();
      return membersOfD.promise;
    };
    const sender = new Sender({ user: { id: 1 } } as Identity, {} as ClientState, {} as Keyring, outbox, members, () => rpc);
    const outcomes: SendOutcome[] = [];
    const xSettled = deferred<void>();
    sender.onOutcome((outcome) => {
      outcomes.push(outcome);
      if (outcome.ok && outcome.receipt.cid === 'x') xSettled.resolve();
    });

    sender.flush();
    await firstSend.promise;
    // X is out and waits for its ack. Meanwhile the file shows D, queued before X by a process that is gone.
    expect(sends).toEqual(['x']);
    const d: OutboxEntry = { cid: 'd', conversation: 6, sealedContent: '', createdAt: 0, owner: GONE_PID };
    await store.writeJson('outbox.json', [d, { ...x }]);
    // A pass waits for every answer of its window before the next one starts (sender.ts): this one
    // comes once X's ack is in.
    sender.flush();
    firstAck.resolve(undefined);
    await xSettled.promise; // X's ack is in, and X has left the outbox
    await asked.promise; // the next pass took D over and prepares it: it asks for D's members
    membersOfD.reject(new RequestFailedError('forbidden', 'not a member')); // D fails; the pass goes on to X
    await sender.idle();

    expect(sends).toEqual(['x']);
    expect(outcomes.map((o) => (o.ok ? `sent ${o.receipt.cid}` : `failed ${o.failure.cid}`))).toEqual(['sent x', 'failed d']);
  });

  it('a send whose ack is late (timed out, the connection still up) goes again at once, and its re-ack is its one outcome', async () => {
    home = await mkdtemp(join(tmpdir(), 'fastchat-sender-'));
    const store = new LocalStore(home, 'erin');
    const x: OutboxEntry = {
      cid: 'x',
      conversation: 5,
      sealedContent: '',
      envelope: Buffer.from('sealed').toString('base64'),
      createdAt: 1,
      owner: process.pid,
    };
    await store.writeJson('outbox.json', [x]);
    const outbox = await Outbox.load(store);
    const sends: string[] = [];
    const firstSend = deferred<void>();
    const rpc = {
      request: (body: { t: string; cid: string; conversation: number }) => {
        sends.push(body.cid);
        firstSend.resolve();
        if (sends.length === 1) return Promise.reject(new RequestTimeoutError('send', 10_000));
        return Promise.resolve({ conversation: body.conversation, seq: 1, mid: 1, ts: 0, duplicate: true });
      },
    } as unknown as RpcConnection;
    const sender = new Sender(
      { user: { id: 1 } } as Identity,
      {} as ClientState,
      {} as Keyring,
      outbox,
      () => Promise.resolve([]),
      () => rpc,
    );
    const outcomes: SendOutcome[] = [];
    sender.onOutcome((outcome) => outcomes.push(outcome));

    sender.flush();
    await firstSend.promise;
    await sender.idle();
    expect(sends).toEqual(['x', 'x']);
    expect(outcomes.map((o) => (o.ok ? `sent ${o.receipt.cid}` : `failed ${o.failure.cid}`))).toEqual(['sent x']);
    expect(outbox.holds('x')).toBe(false);
  });
});
