import { PROTOCOL_VERSIONS, ROUTE_AVOID_MAX, type ResultOf } from '../protocol/index.js';
import { connectTcp, formatAddress } from '../transport/tcp-transport.js';
import { connectTls } from '../transport/tls-transport.js';
import type { Transport } from '../transport/transport.js';
import { VERSION } from '../version.js';
import { TlsVerifyError } from '../transport/errors.js';
import { ConnectionClosedError, NodeUnreachableError } from './errors.js';
import { RpcConnection } from './rpc-connection.js';
import type { ServerTrust } from './server-trust.js';

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

export interface ConnectOptions {
  /** The coordinator to ask for a node port. */
  readonly coordinator: ServerAddress;
  /** Deadline of the TCP connect and of each request. @default 5000 */
  readonly timeoutMs?: number;
  /** Connect to the coordinator and the node with TLS (protocol.md § TLS); absent: plain TCP. */
  readonly tls?: ClientTls | undefined;
}

/**
 * How a TLS client decides to trust the server: a CA (PEM) with the standard hostname check, or
 * trust on first use with the certificate pinned per host in the client's home.
 */
export type ClientTls = { readonly ca: string } | { readonly trust: ServerTrust };

/** Opens the byte pipe to one server address, plain or TLS as `tls` says. */
export function openTransport(address: ServerAddress, timeoutMs: number, tls: ClientTls | undefined): Promise<Transport> {
  if (tls === undefined) return connectTcp({ ...address, timeoutMs });
  if ('ca' in tls) return connectTls({ ...address, timeoutMs, ca: tls.ca });
  const label = formatAddress(address.host, address.port);
  return connectTls({ ...address, timeoutMs, verify: (peer) => tls.trust.check(address.host, label, peer) });
}

/** A framed connection to a node port after a successful `hello`. */
export interface NodeConnection {
  readonly rpc: RpcConnection;
  /** The node port the coordinator picked. */
  readonly node: ServerAddress;
  readonly hello: ResultOf<'hello'>;
}

/**
 * Asks the coordinator for the least-loaded node port (protocol.md § route), other than the ones in
 * `avoid` when it has another.
 */
export async function askCoordinator(
  coordinator: ServerAddress,
  timeoutMs = 5000,
  tls?: ClientTls,
  avoid: readonly ServerAddress[] = [],
): Promise<ServerAddress> {
  const rpc = new RpcConnection(await openTransport(coordinator, timeoutMs, tls), { requestTimeoutMs: timeoutMs });
  try {
    return await rpc.request({ t: 'route', ...(avoid.length === 0 ? {} : { avoid: avoid.map(({ host, port }) => ({ host, port })) }) });
  } finally {
    rpc.close();
  }
}

/**
 * Routes through the coordinator, connects to the node port it names, and says `hello`. When that
 * node cannot be reached (refused, or closed before `hello` was answered: it has usually just died,
 * and the coordinator may not know yet), asks the coordinator again at once, naming the nodes that
 * failed in `avoid`, for as long as `timeoutMs` from the start allows (docs/deploy.md § Failover).
 * Rejects with NodeUnreachableError when the coordinator has no other node to name, or time is up,
 * so that a reconnect loop can ask again soon.
 */
export async function connectToNode(options: ConnectOptions): Promise<NodeConnection> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const deadline = Date.now() + timeoutMs;
  const failed: ServerAddress[] = [];
  for (;;) {
    const node = await askCoordinator(options.coordinator, timeoutMs, options.tls, failed);
    try {
      return await greetNode(node, timeoutMs, options.tls);
    } catch (error) {
      const again = !failed.some((f) => sameAddress(f, node));
      if (!(error instanceof NodeUnreachableError) || !again || Date.now() >= deadline || failed.length >= ROUTE_AVOID_MAX) throw error;
      failed.push(node);
    }
  }
}

/** Connects to one node port and says `hello`; NodeUnreachableError when the node is not answering. */
async function greetNode(node: ServerAddress, timeoutMs: number, tls: ClientTls | undefined): Promise<NodeConnection> {
  let transport;
  try {
    // Every port of a deployment speaks what its coordinator speaks (protocol.md § TLS).
    transport = await openTransport(node, timeoutMs, tls);
  } catch (error) {
    // A refused certificate is not a dead node: retrying elsewhere would hide it.
    if (error instanceof TlsVerifyError) throw error;
    throw new NodeUnreachableError(node, error instanceof Error ? error : new Error(String(error)));
  }
  const rpc = new RpcConnection(transport, { requestTimeoutMs: timeoutMs });
  try {
    const hello = await rpc.request({ t: 'hello', versions: [...PROTOCOL_VERSIONS], client: `fastchat/${VERSION}` });
    return { rpc, node, hello };
  } catch (error) {
    rpc.close();
    // A node that accepted and then went away (it is dying) is as unreachable as one that refused.
    if (error instanceof ConnectionClosedError) throw new NodeUnreachableError(node, error);
    throw error;
  }
}

function sameAddress(a: ServerAddress, b: ServerAddress): boolean {
  return a.host === b.host && a.port === b.port;
}
