import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatClient } from '../../src/client/chat-client.js';
import { collect } from '../support/client-harness.js';
import { describePostgres } from '../support/databases.js';
import { createTestNetwork, netnsUnavailable, startServerIn, tcpRelay, type Host } from '../support/netns.js';
import { testAccountKeys } from '../support/key-pool.js';

const TITLE = 'cluster across hosts (network namespaces)';
const IT =
  'two nodes on two hosts share PostgreSQL: a coordinator routes a client to the other host’s advertised address, and users on the two hosts chat live';
/** Each namespace has its own ports, so both hosts use the same ones. */
const COORDINATOR_PORT = 7000;
const NODE_PORT = 7001;

const unavailable = netnsUnavailable();
if (unavailable !== undefined) {
  console.log(`${TITLE}: skipped, this machine cannot run it: ${unavailable}`);
  describe.skip(`${TITLE} [skipped: ${unavailable}]`, () => {
    it(IT, () => undefined);
  });
} else {
  describePostgres(TITLE, (postgres) => {
    const cleanups: Array<() => Promise<unknown>> = [];
    // Registered after describePostgres's own cleanup, so it runs first (before the database is dropped).
    afterEach(async () => {
      const errors: unknown[] = [];
      for (let step = cleanups.pop(); step; step = cleanups.pop()) await step().catch((error: unknown) => errors.push(error));
      if (errors.length > 0) throw new AggregateError(errors, 'cleanup failed');
    });

    it(
      IT,
      async () => {
        const network = await createTestNetwork(2);
        cleanups.push(() => network.remove());
        const [hostA, hostB] = network.hosts as [Host, Host];

        // The suite's PostgreSQL listens on 127.0.0.1 of the root namespace: the hosts reach it through
        // a relay on the root namespace's address on the bridge.
        const server = new URL(postgres.serverUrl);
        const relay = await tcpRelay(network.rootAddress, { host: server.hostname, port: Number(server.port || 5432) });
        cleanups.push(() => relay.close());
        const url = await postgres.databaseWithSchema();
        const fromHosts = new URL(url);
        fromHosts.host = `${network.rootAddress}:${relay.port}`;

        const serve = async (host: Host) => {
          const node = await startServerIn(host, [
            '--plaintext',
            '--db',
            fromHosts.href,
            '--host',
            '0.0.0.0',
            '--advertise-host',
            host.address,
            '--ports',
            String(NODE_PORT),
            '--coordinator-port',
            String(COORDINATOR_PORT),
            '--node-timeout',
            '1',
          ]);
          cleanups.push(() => node.stop('SIGKILL'));
          return node;
        };
        await Promise.all([serve(hostA), serve(hostB)]);

        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        cleanups.push(() => admin.end());
        const registry = async () =>
          (await admin.query<{ host: string; connections: number }>('SELECT host, connections FROM nodes ORDER BY host')).rows;
        // Each node registered under its advertised address.
        await expect
          .poll(async () => (await registry()).map((n) => n.host), { timeout: 10_000 })
          .toEqual([hostA.address, hostB.address].sort());

        // The client runs here, in the root namespace: a third host. Both users ask host A's coordinator.
        const coordinator = { host: hostA.address, port: COORDINATOR_PORT };
        const open = async (name: string) => {
          const home = await mkdtemp(join(tmpdir(), 'fastchat-home-'));
          cleanups.push(() => rm(home, { recursive: true, force: true }));
          const client = await ChatClient.open({
            coordinator,
            home,
            name,
            password: `password of ${name}`,
            mode: 'signup',
            keys: testAccountKeys,
          });
          cleanups.push(() => client.close());
          return client;
        };
        const ann = await open('ann');
        const annInbox = collect(ann);
        await ann.start();
        // Both nodes empty: A keeps the first client at home.
        expect(ann.status).toMatchObject({ state: 'connected', node: { host: hostA.address, port: NODE_PORT } });

        // Once A knows it has one connection and B none, it sends the next client to B's advertised address.
        await expect
          .poll(async () => (await registry()).map((n) => n.connections), { timeout: 10_000 })
          .toEqual(hostA.address < hostB.address ? [1, 0] : [0, 1]);
        await new Promise((r) => setTimeout(r, 450)); // two heartbeats: A has re-read the registry
        const ben = await open('ben');
        const benInbox = collect(ben);
        await ben.start();
        expect(ben.status).toMatchObject({ state: 'connected', node: { host: hostB.address, port: NODE_PORT } });

        // Live across the two hosts, end-to-end encrypted, both ways.
        await ann.send({ user: ben.user.id }, 'hello from host A');
        await benInbox.until((m) => m.some((x) => x.text === 'hello from host A'), 'ann’s message on host B');
        await ben.send({ user: ann.user.id }, 'hello back from host B');
        await annInbox.until((m) => m.some((x) => x.text === 'hello back from host B'), 'ben’s reply on host A');
        expect(benInbox.messages.find((m) => m.text === 'hello from host A')).toMatchObject({ from: ann.user.id, trust: 'verified' });
        expect(annInbox.messages.find((m) => m.text === 'hello back from host B')).toMatchObject({ from: ben.user.id, trust: 'verified' });
      },
      60_000,
    );
  });
}
