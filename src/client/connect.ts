import { PROTOCOL_VERSIONS, type ResultOf } from '../protocol/index.js';
import { connectTcp } from '../transport/tcp-transport.js';
import { VERSION } from '../version.js';
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

/** Routes through the coordinator, connects to the node port it names, and says `hello`. */
export async function connectToNode(options: ConnectOptions): Promise<NodeConnection> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const node = await askCoordinator(options.coordinator, timeoutMs);
  const rpc = new RpcConnection(await connectTcp({ ...node, timeoutMs }), { requestTimeoutMs: timeoutMs });
  try {
    const hello = await rpc.request({ t: 'hello', versions: [...PROTOCOL_VERSIONS], client: `fastchat/${VERSION}` });
    return { rpc, node, hello };
  } catch (error) {
    rpc.close();
    throw error;
  }
}
