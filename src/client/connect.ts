import { PROTOCOL_VERSIONS, type ResultOf } from '../protocol/index.js';
import { connectTcp } from '../transport/tcp-transport.js';
import { VERSION } from '../version.js';
import { ConnectionClosedError, NodeUnreachableError } from './errors.js';
import { RpcConnection } from './rpc-connection.js';

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

export interface ConnectOptions {
  /** The coordinator to ask for a node port. */
  readonly coordinator: ServerAddress;
  /** Deadline of the TCP connect and of each request. @default 5000 */
  readonly timeoutMs?: number;
}

/** A framed connection to a node port after a successful `hello`. */
export interface NodeConnection {
  readonly rpc: RpcConnection;
  /** The node port the coordinator picked. */
  readonly node: ServerAddress;
  readonly hello: ResultOf<'hello'>;
}

/** Asks the coordinator for the least-loaded node port (protocol.md § route). */
export async function askCoordinator(coordinator: ServerAddress, timeoutMs = 5000): Promise<ServerAddress> {
  const rpc = new RpcConnection(await connectTcp({ ...coordinator, timeoutMs }), { requestTimeoutMs: timeoutMs });
  try {
    return await rpc.request({ t: 'route' });
  } finally {
    rpc.close();
  }
}

/**
 * Routes through the coordinator, connects to the node port it names, and says `hello`. When the
 * coordinator answered but that node cannot be reached (refused, or closed before `hello` was
 * answered), rejects with NodeUnreachableError, so that a reconnect loop can ask again soon.
 */
export async function connectToNode(options: ConnectOptions): Promise<NodeConnection> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const node = await askCoordinator(options.coordinator, timeoutMs);
  let transport;
  try {
    transport = await connectTcp({ ...node, timeoutMs });
  } catch (error) {
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
