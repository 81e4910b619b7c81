import { join } from 'node:path';
import cluster from 'node:cluster';
import yargs from 'yargs';
import {
  DEFAULT_FRAME_TIMEOUT_MS,
  DEFAULT_LOGIN_PACE_BURST,
  DEFAULT_LOGIN_PACE_PER_S,
  DEFAULT_LOGIN_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_REQUEST_PACE_BURST,
  DEFAULT_REQUEST_PACE_PER_S,
  DEFAULT_SEND_BURST,
  DEFAULT_SEND_RATE_PER_S,
  MAX_FRAME_BYTES_CEILING,
} from '../protocol/index.js';
import { startServer } from '../server/start-server.js';
import { WorkerPool, portsOfWorker, reportReady, workerIndex, workersProblem } from '../server/ports/workers.js';
import { LOG_FORMATS, LOG_LEVELS, createLogger, type Logger } from '../util/logger.js';
import { defaultServerDataDir } from '../util/paths.js';
import { VERSION } from '../version.js';
import { integerOption, portListOption, portOption } from './options.js';
import { exitWithError, strictCli } from './run-cli.js';
import { legacyPlaintextWarning, readServerTls, SELF_SIGNED_FILE, selfSignedServerTls, serverTlsProblem } from './server-tls.js';

const NAME = 'fastchat-server';

/** `fastchat-server [flags]`: serves the node ports and the coordinator until SIGINT or SIGTERM. */
export async function main(argv: string[]): Promise<void> {
  const args = await strictCli(yargs(argv), NAME)
    .usage(`$0 [options]\n\nServes fastchat on the node ports and a coordinator port that sends each client to the least-loaded node port.`)
    .version(VERSION)
    .options({
      ports: {
        type: 'string',
        default: '8001-8004',
        describe: 'node ports: ranges and lists, e.g. 8001-8004 or 8001,8003',
        coerce: portListOption('ports'),
      },
      host: { type: 'string', default: '127.0.0.1', describe: 'interface to listen on (0.0.0.0 for all)' },
      'coordinator-port': {
        type: 'string',
        default: '8000',
        describe: 'port of the coordinator',
        coerce: portOption('coordinator-port', true),
      },
      'advertise-host': {
        type: 'string',
        describe: 'host the coordinator tells clients to dial (default: the address they reached it on)',
      },
      'data-dir': {
        type: 'string',
        default: defaultServerDataDir(),
        describe: 'folder of the embedded database (unused with --db) and of the TLS certificate the server makes for itself',
      },
      db: {
        type: 'string',
        describe: 'PostgreSQL URL (postgres://user@host:port/db); DATABASE_URL also works',
        default: process.env.DATABASE_URL,
        defaultDescription: '$DATABASE_URL, else the embedded database',
      },
      'max-frame-bytes': {
        type: 'string',
        default: String(DEFAULT_MAX_FRAME_BYTES),
        describe: 'largest frame accepted',
        coerce: integerOption('max-frame-bytes', 64, MAX_FRAME_BYTES_CEILING),
      },
      'send-rate': {
        type: 'string',
        default: String(DEFAULT_SEND_RATE_PER_S),
        describe: 'messages per second a user may send, sustained (0: no limit)',
        coerce: integerOption('send-rate', 0, 1_000_000),
      },
      'send-burst': {
        type: 'string',
        default: String(DEFAULT_SEND_BURST),
        describe: 'messages a user may send at once before --send-rate applies',
        coerce: integerOption('send-burst', 1, 1_000_000),
      },
      'request-rate': {
        type: 'string',
        default: String(DEFAULT_REQUEST_PACE_PER_S),
        describe: 'other requests per second a user may start, sustained; more wait their turn (0: no pace)',
        coerce: integerOption('request-rate', 0, 1_000_000),
      },
      'request-burst': {
        type: 'string',
        default: String(DEFAULT_REQUEST_PACE_BURST),
        describe: 'other requests a user may start at once before --request-rate applies',
        coerce: integerOption('request-burst', 1, 1_000_000),
      },
      'login-rate': {
        type: 'string',
        default: String(DEFAULT_LOGIN_PACE_PER_S),
        describe: 'logins (and signups, resumes) per second one address may start, sustained; more wait their turn (0: no pace)',
        coerce: integerOption('login-rate', 0, 1_000_000),
      },
      'login-burst': {
        type: 'string',
        default: String(DEFAULT_LOGIN_PACE_BURST),
        describe: 'logins one address may start at once before --login-rate applies',
        coerce: integerOption('login-burst', 1, 1_000_000),
      },
      'max-connections-per-address': {
        type: 'string',
        default: String(DEFAULT_MAX_CONNECTIONS_PER_ADDRESS),
        describe: 'open connections per client address (0: no limit)',
        coerce: integerOption('max-connections-per-address', 0, 10_000_000),
      },
      'login-timeout': {
        type: 'string',
        default: String(DEFAULT_LOGIN_TIMEOUT_MS / 1000),
        describe: 'seconds a connection may stay without logging in (0: no limit)',
        coerce: integerOption('login-timeout', 0, 86_400),
      },
      'frame-timeout': {
        type: 'string',
        default: String(DEFAULT_FRAME_TIMEOUT_MS / 1000),
        describe: 'seconds a frame may take from its first byte to its last (0: no limit)',
        coerce: integerOption('frame-timeout', 0, 86_400),
      },
      legacy: { type: 'boolean', default: true, describe: 'serve the original 2022 clients (--no-legacy refuses them)' },
      'tls-cert': {
        type: 'string',
        describe: `serve TLS with this PEM certificate (chain) instead of the one the server makes for itself in <data-dir>/${SELF_SIGNED_FILE}`,
      },
      'tls-key': { type: 'string', describe: 'PEM private key of --tls-cert' },
      plaintext: {
        type: 'boolean',
        default: false,
        describe: 'serve modern clients without TLS (they must ask for it too, with fastchat --plaintext); no certificate is made',
      },
      'allow-plaintext': {
        type: 'boolean',
        default: false,
        describe: 'serve TLS and still serve modern clients that come without it (default: refuse them with tls_required)',
      },
      'log-level': { choices: LOG_LEVELS, default: 'info' as const, describe: 'lowest log level written to stderr' },
      'log-format': {
        choices: LOG_FORMATS,
        default: 'text' as const,
        describe: 'text, or json: one object a line {ts, level, msg, ...fields}',
      },
      'metrics-port': {
        type: 'string',
        describe: 'serve GET /metrics (Prometheus) and /healthz over HTTP on this port; with --workers, worker N uses this port + N',
        coerce: portOption('metrics-port', true),
      },
      'metrics-host': { type: 'string', default: '127.0.0.1', describe: 'interface of the metrics port' },
      workers: {
        type: 'string',
        default: '1',
        describe: 'with --db: server processes on this machine, each serving its share of --ports',
        coerce: integerOption('workers', 1, 64),
      },
      'node-timeout': {
        type: 'string',
        default: '10',
        describe: 'with --db: seconds without a heartbeat after which another node counts as dead',
        coerce: integerOption('node-timeout', 1, 3600),
      },
    })
    .check((a) => {
      if (a.ports.includes(a['coordinator-port']) && a['coordinator-port'] !== 0) {
        throw new Error(`--coordinator-port ${a['coordinator-port']} is also in --ports`);
      }
      if (a.db !== undefined && !/^postgres(ql)?:\/\//.test(a.db)) throw new Error(`--db: expected a postgres:// URL`);
      const metricsPort = a['metrics-port'];
      if (metricsPort !== undefined && metricsPort !== 0) {
        // With --workers, worker N serves metricsPort + N: every one of those must be free of the chat ports.
        const own = Array.from({ length: a.workers > 1 ? a.workers : 1 }, (_, i) => metricsPort + i);
        if (own.at(-1)! > 65535)
          throw new Error(`--metrics-port ${metricsPort}: with --workers ${a.workers} it needs ports up to ${own.at(-1)}`);
        const clash = own.find((port) => a.ports.includes(port) || port === a['coordinator-port']);
        if (clash !== undefined) throw new Error(`--metrics-port: ${clash} is also a chat port`);
      }
      const problem =
        workersProblem(a.workers, a.ports, a.db || undefined) ??
        serverTlsProblem(a['tls-cert'], a['tls-key'], a['allow-plaintext'], a.plaintext);
      if (problem) throw new Error(problem);
      return true;
    })
    .parseAsync();

  const worker = workerIndex();
  const logger = createLogger({
    level: args['log-level'],
    format: args['log-format'],
    ...(worker === undefined ? {} : { fields: { worker } }),
  });
  if (args.workers > 1 && cluster.isPrimary) return superviseWorkers(args.workers, logger);

  let server;
  let tls;
  try {
    tls = args.plaintext
      ? undefined
      : args['tls-cert'] !== undefined
        ? await readServerTls(args['tls-cert'], args['tls-key']!, args['allow-plaintext'])
        : await selfSignedServerTls(args['data-dir'], [args.host, args['advertise-host'] ?? ''], args['allow-plaintext']);
    if (tls && 'created' in tls && tls.created)
      logger.info('made a self-signed TLS certificate; publish its fingerprint so users can check what they pin', {
        file: join(args['data-dir'], SELF_SIGNED_FILE),
        fingerprint: tls.fingerprint,
      });
    server = await startServer({
      host: args.host,
      ports: worker === undefined ? args.ports : portsOfWorker(args.ports, args.workers, worker),
      coordinatorPort: args['coordinator-port'],
      databaseUrl: args.db || undefined,
      dataDir: args['data-dir'],
      maxFrameBytes: args['max-frame-bytes'],
      limits: {
        sendRatePerS: args['send-rate'],
        sendBurst: args['send-burst'],
        requestRatePerS: args['request-rate'],
        requestBurst: args['request-burst'],
        loginRatePerS: args['login-rate'],
        loginBurst: args['login-burst'],
        maxConnectionsPerAddress: args['max-connections-per-address'],
        loginTimeoutMs: args['login-timeout'] * 1000,
        frameTimeoutMs: args['frame-timeout'] * 1000,
      },
      cluster: { nodeTimeoutMs: args['node-timeout'] * 1000 },
      advertiseHost: args['advertise-host'],
      legacy: args.legacy,
      tls,
      logger,
      metrics: metricsOf(args['metrics-port'], args['metrics-host'], worker),
    });
  } catch (error) {
    exitWithError(NAME, error);
  }
  const { listening, database } = server;
  // Before the ready line: whoever reads it may signal at once, and until process.on runs a SIGTERM
  // kills the process outright, with nothing drained or logged (a worker descheduled right after its
  // ready line, beside two CPU hogs, was).
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    server.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => exitWithError(NAME, error),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Before the ready line, so whoever waits for that line has seen it.
  const legacyWarning = worker === undefined || worker === 0 ? legacyPlaintextWarning(listening.host, args.legacy) : undefined;
  if (legacyWarning) logger.warn(legacyWarning, { host: listening.host });
  logger.info(worker === undefined ? 'fastchat-server ready' : 'worker ready', {
    version: VERSION,
    host: listening.host,
    ports: listening.ports.join(','),
    coordinator: listening.coordinatorPort,
    database: database.description,
    legacy: args.legacy,
    ...(tls
      ? { tls: tls.allowPlaintext ? 'on (plaintext allowed)' : 'required', fingerprint: tls.fingerprint }
      : { tls: 'off (--plaintext)' }),
    ...(server.metrics ? { metrics: `${server.metrics.host}:${server.metrics.port}` } : {}),
    ...(worker === undefined ? {} : { pid: process.pid }),
  });
  // After its own line, so the primary's "fastchat-server ready" comes after every worker's.
  if (worker !== undefined) {
    reportReady({ ports: listening.ports, coordinatorPort: listening.coordinatorPort, database: database.description });
  }
}

/**
 * Where this process serves metrics. Each worker is its own process with its own counters, so each
 * serves its own port (`--metrics-port` + worker index) rather than the primary adding them up: a
 * scraper gets every worker's numbers and Prometheus sums them. The primary serves none.
 */
function metricsOf(port: number | undefined, host: string, worker: number | undefined): { host: string; port: number } | undefined {
  if (port === undefined) return undefined;
  return { host, port: worker === undefined || port === 0 ? port : port + worker };
}

/** The primary of `--workers N`: starts the workers, says ready once all serve, stops them on a signal. */
function superviseWorkers(workers: number, logger: Logger): void {
  const pool = new WorkerPool({
    workers,
    logger,
    onReady: ({ ports, coordinatorPort, database }) =>
      logger.info('fastchat-server ready', { version: VERSION, workers, ports: ports.join(','), coordinator: coordinatorPort, database }),
    onStartFailure: (index, code) => {
      logger.error('a worker failed to start; stopping', { worker: index, code: code ?? undefined });
      void pool.stop().then(() => process.exit(1));
    },
  });
  pool.start();
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal, workers });
    void pool.stop().then(() => {
      logger.info('stopped');
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
