import type { ErrorCode } from '../../protocol/index.js';
import { MetricsRegistry, type Counter, type Histogram } from './metrics.js';

/** Commit latency buckets, seconds: a local fsync is around a millisecond, a struggling database seconds. */
const COMMIT_SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Messages per group commit, up to the writer's default maxBatch (500). */
const BATCH_SIZE_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500];

/**
 * The counters the server's code moves (docs/deploy.md § What to monitor names each). Gauges that
 * read live state (connections, sessions, memory) are added by startServer, which holds that state.
 * Nothing here carries a user name, an address or message content: labels are our own enums.
 */
export class ServerMetrics {
  readonly registry = new MetricsRegistry();
  readonly logins: Counter;
  readonly messagesCommitted: Counter;
  readonly commits: Counter;
  readonly commitFailures: Counter;
  readonly commitSeconds: Histogram;
  readonly batchSize: Histogram;
  readonly pushesSent: Counter;
  readonly errorsSent: Counter;
  readonly rateLimitedSends: Counter;
  readonly slowConsumersDropped: Counter;

  constructor() {
    const r = this.registry;
    this.logins = r.counter('fastchat_logins_total', 'Successful logins and signups (modern and legacy).');
    this.messagesCommitted = r.counter(
      'fastchat_messages_committed_total',
      'Messages stored by a group commit (resends of a stored message not counted).',
    );
    this.commits = r.counter('fastchat_commits_total', 'Group commits (transactions) that succeeded.');
    this.commitFailures = r.counter('fastchat_commit_failures_total', 'Group commits that failed; their senders were told to resend.');
    this.commitSeconds = r.histogram(
      'fastchat_commit_duration_seconds',
      'Time one group commit took in the database.',
      COMMIT_SECONDS_BUCKETS,
    );
    this.batchSize = r.histogram('fastchat_commit_batch_size', 'Sends per group commit.', BATCH_SIZE_BUCKETS);
    this.pushesSent = r.counter(
      'fastchat_pushes_sent_total',
      'Server pushes (messages, presence, group changes) written to framed clients.',
    );
    this.errorsSent = r.counter('fastchat_errors_sent_total', 'Error frames written to framed clients, by code.');
    this.rateLimitedSends = r.counter('fastchat_sends_rate_limited_total', 'Sends refused for going past --send-rate (modern and legacy).');
    this.slowConsumersDropped = r.counter(
      'fastchat_slow_consumers_dropped_total',
      'Connections dropped because the client stopped reading.',
    );
  }

  /** One group commit of `sends` sends, `stored` of them new messages, that took `seconds`. */
  committed(sends: number, stored: number, seconds: number): void {
    this.commits.inc();
    this.messagesCommitted.inc({}, stored);
    this.commitSeconds.observe(seconds);
    this.batchSize.observe(sends);
  }

  errorSent(code: ErrorCode): void {
    this.errorsSent.inc({ code });
  }
}
