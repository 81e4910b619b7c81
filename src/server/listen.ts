import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../util/logger.js';
import type { ConnectionInfo } from './chat-server.js';
import { ListenError, PortInUseError } from './errors.js';
import type { PortRole } from './handler.js';
import type { PortLoad } from './port-load.js';

/** Where accepted connections go: the server core, or something holding them until it is ready. */
export interface ConnectionSink {
  handle(stream: Duplex, info: ConnectionInfo): void;
}

export interface ListenOptions {
  /** Interface to bind. @default '127.0.0.1' */
  readonly host: string;
  /** Node ports; 0 asks the system for a free one (tests). */
  readonly ports: readonly number[];
  /** Coordinator port; 0 asks for a free one. */
  readonly coordinatorPort: number;
}

export interface Listening {
  readonly host: string;
  /** Node ports as bound (a 0 replaced by the port the system chose). */
  readonly ports: readonly number[];
  readonly coordinatorPort: number;
  /** Stops accepting on every port. Open connections are the core's to close. */
  close(): Promise<void>;
}

/**
 * The only server code that touches node:net: binds every node port and the coordinator port and
 * hands each accepted socket to the sink. All or nothing: if one port cannot be bound, the ones
 * already bound are released and the error names the port.
 */
export async function listen(sink: ConnectionSink, load: PortLoad, logger: Logger, options: ListenOptions): Promise<Listening> {
  const servers: Server[] = [];
  const release = () => Promise.all(servers.map((server) => closeServer(server)));
  try {
    const ports: number[] = [];
    for (const port of options.ports) {
      const server = await bind(options.host, port, 'node', sink, logger);
      servers.push(server);
      const bound = boundPort(server);
      load.addPort(bound);
      ports.push(bound);
    }
    const coordinator = await bind(options.host, options.coordinatorPort, 'coordinator', sink, logger);
    servers.push(coordinator);
    return { host: options.host, ports, coordinatorPort: boundPort(coordinator), close: async () => void (await release()) };
  } catch (error) {
    await release();
    throw error;
  }
}

function bind(host: string, port: number, role: PortRole, sink: ConnectionSink, logger: Logger): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer({ noDelay: true }, (socket: Socket) => {
      sink.handle(socket, {
        role,
        port: role === 'node' ? boundPort(server) : undefined,
        localAddress: socket.localAddress,
        remoteAddress: socket.remoteAddress,
      });
    });
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new PortInUseError(host, port, { cause: error }));
      else reject(new ListenError(host, port, error.code ?? error.message, { cause: error }));
    });
    // Under `--workers` (node:cluster) each worker binds its own node ports itself (exclusive), while
    // the coordinator port is shared by all workers through the primary; a lone process sees no difference.
    server.listen({ host, port, backlog: 1024, exclusive: role === 'node' }, () => {
      server.removeAllListeners('error');
      // After binding, an accept failure (such as running out of file descriptors) is logged, not fatal.
      server.on('error', (error) => logger.error('listener error', { role, port, error: error.message }));
      resolve(server);
    });
  });
}

function boundPort(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server is not listening on TCP');
  return address.port;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
}
