import { afterEach, expect } from 'vitest';
import { LoadClient } from '../../bench/load/load-client.js';
import { itOnEachDataStore } from '../support/databases.js';
import { Inbox, runLoad } from '../support/fault-load.js';
import { freePorts, startServerBin, type RunningBin } from '../support/run-bin.js';

/**
 * Issue 10 § 1: the server SIGKILLed in the middle of a sustained load, then restarted, and every
 * acknowledged message is delivered exactly once. crash-recovery.test.ts kills an idle server after
 * its acks and reads the backlog; client-reconnect.test.ts kills one real client's 60 sends. Here
 * several raw-protocol senders keep 10,000 messages flowing through the kill and the restart, and a
 * receiver that was online throughout is counted message by message.
 */

const TOTAL = 10_000;
const SENDERS = 4;
/** Acknowledged messages after which the kill lands: mid-load, with sends in flight on every sender. */
const KILL_AT = 4_000;

const running: RunningBin[] = [];
const clients: LoadClient[] = [];
let stopLoad: (() => void) | undefined;
afterEach(async () => {
  stopLoad?.();
  clients.splice(0).forEach((c) => c.close());
  await Promise.all(running.splice(0).map((r) => r.stop('SIGKILL')));
});

async function serve(args: string[]): Promise<RunningBin> {
  const server = await startServerBin(args);
  running.push(server);
  return server;
}

async function killUnderLoad(databaseArgs: string[]): Promise<void> {
  const [a, b, c] = await freePorts(3);
  const coordinator = { host: '127.0.0.1', port: c! };
  const args = [
    '--plaintext',
    '--ports',
    `${a},${b}`,
    '--coordinator-port',
    String(c),
    ...databaseArgs,
    // A load generator on one address, sending as fast as it is acknowledged (as bench/load runs).
    '--send-rate',
    '0',
    '--login-rate',
    '0',
    '--max-connections-per-address',
    '0',
  ];
  const first = await serve(args);
  const receiver = await LoadClient.signup(coordinator, 'receiver');
  clients.push(receiver);
  const inbox = new Inbox(receiver);
  for (let n = 0; n < SENDERS; n++) clients.push(await LoadClient.signup(coordinator, `sender${n}`));

  let ackedAtKill = new Set<string>();
  let restarted: Promise<void> | undefined;
  const load = runLoad({
    senders: clients.slice(1),
    to: receiver.userId,
    total: TOTAL,
    at: new Map([
      [
        KILL_AT,
        () => {
          ackedAtKill = new Set(load.report.acked);
          restarted = (async () => {
            expect(await first.stop('SIGKILL')).toBeNull();
            running.splice(running.indexOf(first), 1);
            await serve(args);
            // The receiver lost its connection too: back through the coordinator, sync from its cursors.
            await receiver.relogin(20_000);
          })();
        },
      ],
    ]),
  });
  stopLoad = load.stop;
  const report = await load.done;
  expect(restarted, 'the kill never happened').toBeDefined();
  await restarted;

  // The kill landed mid-load: not everything was acknowledged yet, and senders had to come back.
  expect(ackedAtKill.size).toBeLessThan(TOTAL);
  expect(report.relogins).toBeGreaterThanOrEqual(SENDERS);
  expect(report.acked.size).toBe(TOTAL);

  await inbox.until(report.acked, 30_000);
  // A duplicate would still be on its way: give it a round trip and a moment to show up (nothing
  // waits for an expected event here; the checks below hold or fail whatever arrives).
  await receiver.rpc.request({ t: 'ping' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const counts = inbox.counts();
  const twice = [...counts].filter(([, n]) => n > 1).map(([cid]) => cid);
  expect(twice, 'messages delivered more than once').toEqual([]);
  for (const cid of ackedAtKill) expect(counts.get(cid), `acknowledged before the kill: ${cid}`).toBe(1);
  expect(counts.size).toBe(TOTAL);
  expect(inbox.outOfOrder(), 'conversations whose seqs went backwards').toEqual([]);
}

itOnEachDataStore(
  'fault: SIGKILL under load',
  `the server SIGKILLed during ${TOTAL} sends and restarted: every acknowledged message arrives exactly once`,
  (store) => killUnderLoad(store.args),
  60_000,
);
