import { DEFAULT_VERIFIER_PARAMS, type VerifierParams } from '../crypto/index.js';
import {
  DEFAULT_REQUEST_PACE_BURST,
  DEFAULT_LOGIN_PACE_BURST,
  DEFAULT_LOGIN_PACE_PER_S,
  DEFAULT_REQUEST_PACE_PER_S,
  MESSAGE_BODY_MAX_BYTES,
} from '../protocol/index.js';
import type { ChatStore } from '../store/chat-store.js';
import type { Cluster } from './cluster/cluster.js';
import { messageEvents } from './cluster/cluster-events.js';
import type { Logger } from '../util/logger.js';
import { Fanout } from './delivery/fanout.js';
import { LegacyDirectory } from './legacy/legacy-directory.js';
import { LoginThrottle, type ThrottleOptions } from './limits/login-throttle.js';
import { Memberships } from './delivery/memberships.js';
import { DeliveredCursors } from './delivery/delivered-cursors.js';
import { MessageWriter } from './delivery/message-writer.js';
import type { PortLoad } from './ports/port-load.js';
import { Presence } from './delivery/presence.js';
import { SessionEndings } from './session/session-endings.js';
import { RateLimiter, type RateOptions } from './limits/rate-limiter.js';
import { ServerMetrics } from './observability/server-metrics.js';

/** Everything handlers share: one instance per server process. */
export interface ServerServices {
  readonly logger: Logger;
  readonly load: PortLoad;
  readonly limits: { readonly maxFrameBytes: number; readonly maxMessageBytes: number };
  /** Host a client should dial to reach a node port, when the server is told one. */
  readonly advertiseHost: string | undefined;
  /** Host the server listens on, the fallback for routing. */
  readonly listenHost: string;
  readonly store: ChatStore;
  readonly presence: Presence;
  readonly memberships: Memberships;
  readonly writer: MessageWriter;
  /** Delivered cursors the server raises itself (legacy sessions), written in batches. */
  readonly deliveredCursors: DeliveredCursors;
  readonly fanout: Fanout;
  readonly throttle: LoginThrottle;
  /** Ends sessions whose resume token was revoked (end_session, change_password). */
  readonly endings: SessionEndings;
  /** Per-user send rate (modern `send` and legacy sends alike). */
  readonly sendRate: RateLimiter;
  /** Per-user pace of every other request of a logged-in session (request-gate.ts). */
  readonly requestPace: RateLimiter;
  /** `login`, `signup` and `resume` per remote address (DEFAULT_LOGIN_PACE_PER_S). */
  readonly loginPace: RateLimiter<string>;
  readonly verifierParams: VerifierParams;
  /** Legacy (2022) connections, told of logins and signups. */
  readonly legacy: LegacyDirectory;
  /** This server's counters and histograms (its own: several servers in one process stay apart). */
  readonly metrics: ServerMetrics;
  /** Set when this process shares its database with other nodes (`--db`): cluster-wide routing. */
  readonly cluster: Cluster | undefined;
}

export interface ServicesOptions {
  readonly logger: Logger;
  readonly load: PortLoad;
  readonly store: ChatStore;
  readonly maxFrameBytes: number;
  readonly advertiseHost?: string | undefined;
  readonly listenHost: string;
  /** @default 500 */
  readonly maxBatch?: number;
  /** Group commits in flight at once (the writer's maxInFlight): >1 only for a server database. @default 1 */
  readonly commitsInFlight?: number;
  readonly throttle?: Partial<ThrottleOptions>;
  readonly sendRate?: Partial<RateOptions>;
  readonly requestPace?: Partial<RateOptions>;
  readonly loginPace?: Partial<RateOptions>;
  /** @default DEFAULT_VERIFIER_PARAMS */
  readonly verifierParams?: VerifierParams;
  /** @default a fresh ServerMetrics */
  readonly metrics?: ServerMetrics;
  /** This node's sessions by user; made first when the cluster needs it too. @default a fresh Presence */
  readonly presence?: Presence;
  /** This node's membership of a deployment sharing the database (start-server.ts), built on `presence`. */
  readonly cluster?: Cluster;
}

export function createServices(options: ServicesOptions): ServerServices {
  const { logger, store } = options;
  const metrics = options.metrics ?? new ServerMetrics();
  const presence = options.presence ?? new Presence();
  const cluster = options.cluster;
  const memberships = new Memberships(store);
  const fanout = new Fanout(store, presence, memberships, logger);
  const writer = new MessageWriter(
    store,
    async (messages) => {
      await fanout.messages(messages);
      // Other nodes sharing the database catch their feeds up: one NOTIFY per batch, not per
      // conversation (each NOTIFY is a transaction of its own, with its own WAL flush).
      if (cluster) for (const event of messageEvents(messages.map((m) => m.conversationId))) cluster.announce(event);
    },
    logger,
    {
      maxBatch: options.maxBatch ?? 500,
      maxInFlight: options.commitsInFlight ?? 1,
      committed: (sends, stored, seconds) => metrics.committed(sends, stored, seconds),
      failed: () => metrics.commitFailures.inc(),
    },
  );
  return {
    logger,
    load: options.load,
    limits: { maxFrameBytes: options.maxFrameBytes, maxMessageBytes: MESSAGE_BODY_MAX_BYTES },
    advertiseHost: options.advertiseHost,
    listenHost: options.listenHost,
    store,
    presence,
    memberships,
    writer,
    deliveredCursors: new DeliveredCursors(store, logger),
    fanout,
    throttle: new LoginThrottle(options.throttle),
    endings: new SessionEndings(store, presence, logger),
    sendRate: new RateLimiter(options.sendRate),
    requestPace: new RateLimiter({ perSecond: DEFAULT_REQUEST_PACE_PER_S, burst: DEFAULT_REQUEST_PACE_BURST, ...options.requestPace }),
    loginPace: new RateLimiter<string>({ perSecond: DEFAULT_LOGIN_PACE_PER_S, burst: DEFAULT_LOGIN_PACE_BURST, ...options.loginPace }),
    verifierParams: options.verifierParams ?? DEFAULT_VERIFIER_PARAMS,
    legacy: new LegacyDirectory(),
    metrics,
    cluster,
  };
}
