import { expect, it } from 'vitest';
import { RequestFailedError } from '../../src/client/errors.js';
import { resyncAll } from '../../src/server/cluster/cluster-relay.js';
import { describePostgres } from '../support/databases.js';
import { ChatTestClient, secretFor } from '../support/chat-client.js';
import { testCluster } from '../support/test-cluster.js';

/** The code of the server's last id-less error before the connection closed. */
async function closeCode(client: ChatTestClient): Promise<string> {
  const reason = await client.rpc.closed;
  return reason instanceof RequestFailedError ? reason.code : `closed without a reason (${reason.message})`;
}

/**
 * Ending sessions across a deployment (protocol.md § sessions): the node where the user ends a session
 * or changes the password tells the others (cluster event `sessions`), and each ends its own
 * connections of that user whose token is gone.
 */
describePostgres('sessions across nodes', (postgres) => {
  const cluster = testCluster();

  it('a session ended on node A closes its connection on node B; a password change on A closes every other one on B', async () => {
    const url = await postgres.databaseWithSchema();
    const [a, b] = [await cluster.node(url), await cluster.node(url)];
    const alice = await cluster.user(a, 'alice');
    // Two more sessions of alice's on node B, each logged in with the password and holding its token.
    const onB = async () => {
      const client = await ChatTestClient.connectToPort(b.listening.ports[0]!);
      cluster.release(client);
      await client.rpc.request({ t: 'login', name: 'alice', secret: secretFor('alice') });
      return client;
    };
    const [first, second] = [await onB(), await onB()];
    try {
      const others = (await alice.rpc.request({ t: 'sessions' })).sessions.filter((s) => !s.current);
      expect(others).toHaveLength(2);
      // The newest is listed first: the second login's.
      const firstClosed = closeCode(first);
      await alice.rpc.request({ t: 'end_session', session: others[1]!.id });
      expect(await firstClosed).toBe('session_ended');
      expect((await second.rpc.request({ t: 'ping' })).time).toEqual(expect.any(Number));

      // A node that resyncs (it may have missed events) ends only sessions whose token was revoked:
      // not one without a token (a legacy connection, a login whose token could not be stored), nor
      // one still logging in. Once, a session that had just signed up was ended here.
      const [secondSession] = b.core.services.presence.sessionsOf(alice.id);
      secondSession!.holdToken(undefined);
      await resyncAll(b.core.services);
      expect(await second.rpc.request({ t: 'ping' })).toMatchObject({ time: expect.any(Number) });

      // A password change ends those too: the old password let them in.
      const secondClosed = closeCode(second);
      await alice.rpc.request({ t: 'change_password', secret: secretFor('alice'), newSecret: secretFor('alice', 'a new passphrase') });
      expect(await secondClosed).toBe('session_ended');
      expect(await alice.rpc.request({ t: 'ping' })).toMatchObject({ time: expect.any(Number) });
    } finally {
      await first.close();
      await second.close();
    }
  });
});
