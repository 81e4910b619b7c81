import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../../src/server/observability/metrics.js';
import { ServerMetrics } from '../../../src/server/observability/server-metrics.js';

describe('MetricsRegistry', () => {
  it('writes counters with HELP, TYPE and one line per label set, 0 before the first increment', () => {
    const registry = new MetricsRegistry();
    registry.counter('x_total', 'Things.');
    const errors = registry.counter('errors_total', 'Errors by code.');
    errors.inc({ code: 'bad_request' });
    errors.inc({ code: 'bad_request' });
    errors.inc({ code: 'rate_limited' }, 3);
    expect(registry.format()).toBe(
      [
        '# HELP x_total Things.',
        '# TYPE x_total counter',
        'x_total 0',
        '# HELP errors_total Errors by code.',
        '# TYPE errors_total counter',
        'errors_total{code="bad_request"} 2',
        'errors_total{code="rate_limited"} 3',
        '',
      ].join('\n'),
    );
  });

  it('writes cumulative histogram buckets, +Inf, sum and count', () => {
    const registry = new MetricsRegistry();
    const h = registry.histogram('latency_seconds', 'Latency.', [0.1, 1, 0.5]);
    for (const v of [0.05, 0.1, 0.3, 0.7, 2]) h.observe(v);
    expect(registry.format().split('\n').slice(2, 9)).toEqual([
      'latency_seconds_bucket{le="0.1"} 2',
      'latency_seconds_bucket{le="0.5"} 3',
      'latency_seconds_bucket{le="1"} 4',
      'latency_seconds_bucket{le="+Inf"} 5',
      'latency_seconds_sum 3.15',
      'latency_seconds_count 5',
      '',
    ]);
  });

  it('reads gauges when formatted and escapes label values', () => {
    const registry = new MetricsRegistry();
    let open = 1;
    registry.gauge('open', 'Open.', () => open);
    registry.gauge('info', 'Info.', () => [{ labels: { kind: 'a"b\\c\nd' }, value: 1 }]);
    open = 4;
    const text = registry.format();
    expect(text).toContain('\nopen 4\n');
    expect(text).toContain('info{kind="a\\"b\\\\c\\nd"} 1');
  });

  it('refuses a bad name, a name twice, a decreasing counter and empty buckets', () => {
    const registry = new MetricsRegistry();
    registry.counter('a_total', 'A.');
    expect(() => registry.counter('a_total', 'A.')).toThrow(RangeError);
    expect(() => registry.counter('bad-name', 'B.')).toThrow(RangeError);
    expect(() => registry.counter('c_total', 'C.').inc({}, -1)).toThrow(RangeError);
    expect(() => registry.histogram('h', 'H.', [])).toThrow(RangeError);
  });

  it("keeps two servers' metrics apart", () => {
    const one = new ServerMetrics();
    const two = new ServerMetrics();
    one.committed(3, 2, 0.004);
    expect(one.messagesCommitted.value()).toBe(2);
    expect(two.messagesCommitted.value()).toBe(0);
    expect(one.registry.format()).toContain('fastchat_commit_batch_size_bucket{le="5"} 1');
    expect(two.registry.format()).toContain('fastchat_commits_total 0');
  });
});
