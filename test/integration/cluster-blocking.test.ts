import { expect, it } from 'vitest';
import { RequestFailedError } from '../../src/client/errors.js';
import { describePostgres } from '../support/databases.js';
import { testCluster } from '../support/test-cluster.js';

async function outcome(request: Promise<unknown>): Promise<string> {
  return request.then(
    () => 'ok',
    (error: unknown) => (error instanceof RequestFailedError ? error.code : String(error)),
  );
}

/**
 * A block across a deployment (protocol.md § block): the check is part of the commit in the shared
 * database, so a block made on node A holds for a send handled by node B at once — no cluster event
 * to wait for, no cache to go stale.
 */
describePostgres('blocks across nodes', (postgres) => {
  const cluster = testCluster();

  it('alice blocks mallory on node A; mallory, on node B, is refused at once, and writes again once unblocked', async () => {
    const url = await postgres.databaseWithSchema();
    const [a, b] = [await cluster.node(url), await cluster.node(url)];
    const alice = await cluster.user(a, 'alice');
    const mallory = await cluster.user(b, 'mallory');
    const { conversation } = await mallory.rpc.request({ t: 'open_direct', user: alice.id });
    const send = (cid: string) => mallory.rpc.request({ t: 'send', conversation: conversation.conversation, cid, body: Buffer.from('x') });
    expect(await outcome(send('before'))).toBe('ok');

    await alice.rpc.request({ t: 'block', user: mallory.id });
    // Node B's membership cache knows nothing of it, and need not.
    expect(await outcome(send('after'))).toBe('forbidden');
    expect(await outcome(mallory.rpc.request({ t: 'group_create', name: 'forced', members: [alice.id] }))).toBe('forbidden');

    await alice.rpc.request({ t: 'unblock', user: mallory.id });
    expect(await outcome(send('after-unblock'))).toBe('ok');
  });
});
