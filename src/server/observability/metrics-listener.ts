import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from '../../util/logger.js';
import { METRICS_CONTENT_TYPE, type MetricsRegistry } from './metrics.js';

export interface MetricsListenerOptions {
  readonly host: string;
  /** 0 for a free port (tests). */
  readonly port: number;
  readonly registry: MetricsRegistry;
  /** False once the server has begun shutting down: /healthz then answers 503. */
  readonly serving: () => boolean;
  readonly logger: Logger;
}

export interface MetricsListening {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The metrics port could not be bound (in use, no permission, bad host). */
export class MetricsListenError extends Error {
  override readonly name = 'MetricsListenError';
}

/**
 * The operator's HTTP port, apart from the chat ports (the only HTTP the server speaks): `GET
 * /metrics` in the Prometheus text format and `GET /healthz` for a load balancer or orchestrator.
 * It serves no user data, so it has no authentication; it binds to 127.0.0.1 unless told otherwise.
 */
export async function listenMetrics(options: MetricsListenerOptions): Promise<MetricsListening> {
  const server = createServer((request, response) => answer(request, response, options));
  // A scraper that goes away mid-response is not the server's problem.
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new MetricsListenError(`metrics: cannot listen on ${options.host}:${options.port}: ${error.message}`, { cause: error })),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  server.on('error', (error) => options.logger.error('metrics listener failed', { error: error.message }));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    host: options.host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive scrapers would hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}

function answer(request: IncomingMessage, response: ServerResponse, options: MetricsListenerOptions): void {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') return reply(response, 405, 'only GET\n', { allow: 'GET, HEAD' });
  if (path === '/metrics') return reply(response, 200, options.registry.format(), { 'content-type': METRICS_CONTENT_TYPE });
  if (path === '/healthz') return options.serving() ? reply(response, 200, 'ok\n') : reply(response, 503, 'shutting down\n');
  reply(response, 404, 'not found: try /metrics or /healthz\n');
}

function reply(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
