import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { startChaosCluster, type ChaosCluster } from '../../../bench/chaos/cluster.js';
import { freePorts } from '../../../bench/support/free-ports.js';
import { connectTcpClient } from '../../support/frame-client.js';

let cluster: ChaosCluster | undefined;
let squatter: Server | undefined;
afterEach(async () => {
  await cluster?.dispose();
  await new Promise((resolve) => (squatter ? squatter.close(resolve) : resolve(undefined)));
  cluster = squatter = undefined;
});

/**
 * Found in the 200-seed run beside the suite: a port free when the run picked it was taken by another
 * process before the node bound it, and the seed failed in setup ("port … is already in use") after
 * twenty tries on the same port.
 */
it('a node whose port was taken before it bound moves to free ports and is reachable through the coordinator', async () => {
  squatter = createServer();
  await new Promise<void>((resolve) => squatter!.listen(0, '127.0.0.1', resolve));
  const taken = (squatter.address() as AddressInfo).port;
  const [coordinatorPort] = await freePorts(1);

  cluster = await startChaosCluster({ topology: 'pglite', label: 'moved', ports: [taken, coordinatorPort!], onEvent: () => undefined });

  const node = cluster.nodes[0]!;
  expect(node.port).not.toBe(taken);
  const client = await connectTcpClient(cluster.coordinator.port);
  try {
    const route = await client.request({ t: 'route', id: 1 });
    expect(route).toMatchObject({ t: 'ok', port: node.clientProxy.port });
  } finally {
    client.close();
  }
}, 120_000);
