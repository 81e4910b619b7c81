/**
 * A tiny metrics registry written out in the Prometheus text exposition format (version 0.0.4), by
 * hand: three metric kinds are all the server needs, and a dependency for them would be larger than
 * this file. Every server owns its own registry (nothing is global), so tests running several servers
 * in one process see each server's numbers apart.
 */

/** Label values by label name. Names come from our code; values may be anything and are escaped. */
export type Labels = Readonly<Record<string, string>>;

interface Metric {
  readonly name: string;
  /** The lines for this metric, HELP and TYPE first. */
  render(): string[];
}

/** A number that only goes up (`_total`), optionally split by labels. */
export class Counter {
  readonly #values = new Map<string, { labels: Labels; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    if (by < 0 || !Number.isFinite(by)) throw new RangeError(`${this.name}: a counter only goes up (got ${by})`);
    const key = labelText(labels);
    const entry = this.#values.get(key);
    if (entry) entry.value += by;
    else this.#values.set(key, { labels, value: by });
  }

  /** The current value for these labels (0 when never incremented). */
  value(labels: Labels = {}): number {
    return this.#values.get(labelText(labels))?.value ?? 0;
  }

  render(): string[] {
    const lines = header(this.name, this.help, 'counter');
    // An unlabelled counter is written at 0 before its first increment, so a scrape always sees it.
    if (this.#values.size === 0) lines.push(`${this.name} 0`);
    for (const [key, { value }] of this.#values) lines.push(`${this.name}${key} ${formatNumber(value)}`);
    return lines;
  }
}

/** A value read when scraped (open connections, memory): the source of truth stays where it is. */
export class Gauge {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly collect: () => ReadonlyArray<{ labels?: Labels; value: number }> | number,
  ) {}

  render(): string[] {
    const lines = header(this.name, this.help, 'gauge');
    const samples = this.collect();
    if (typeof samples === 'number') lines.push(`${this.name} ${formatNumber(samples)}`);
    else for (const { labels = {}, value } of samples) lines.push(`${this.name}${labelText(labels)} ${formatNumber(value)}`);
    return lines;
  }
}

/** Observations counted into cumulative buckets (`le`), with their sum and count. */
export class Histogram {
  readonly #bounds: readonly number[];
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    buckets: readonly number[],
  ) {
    const sorted = [...buckets].sort((a, b) => a - b);
    if (sorted.length === 0 || sorted.some((b, i) => !Number.isFinite(b) || (i > 0 && b === sorted[i - 1]))) {
      throw new RangeError(`${name}: buckets must be distinct finite numbers`);
    }
    this.#bounds = sorted;
    this.#counts = sorted.map(() => 0);
  }

  observe(value: number): void {
    this.#sum += value;
    this.#count++;
    // Cumulative at render time: here each observation lands in its first bucket only.
    const index = this.#bounds.findIndex((bound) => value <= bound);
    if (index >= 0) this.#counts[index]!++;
  }

  get count(): number {
    return this.#count;
  }

  get sum(): number {
    return this.#sum;
  }

  render(): string[] {
    const lines = header(this.name, this.help, 'histogram');
    let cumulative = 0;
    this.#bounds.forEach((bound, i) => {
      cumulative += this.#counts[i]!;
      lines.push(`${this.name}_bucket{le="${formatNumber(bound)}"} ${cumulative}`);
    });
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.#count}`);
    lines.push(`${this.name}_sum ${formatNumber(this.#sum)}`);
    lines.push(`${this.name}_count ${this.#count}`);
    return lines;
  }
}

/** The metrics of one server, written out in registration order. */
export class MetricsRegistry {
  readonly #metrics = new Map<string, Metric>();

  counter(name: string, help: string): Counter {
    return this.#add(new Counter(name, help));
  }

  gauge(name: string, help: string, collect: ConstructorParameters<typeof Gauge>[2]): Gauge {
    return this.#add(new Gauge(name, help, collect));
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.#add(new Histogram(name, help, buckets));
  }

  /** The exposition text (`Content-Type: text/plain; version=0.0.4`), ending in a newline. */
  format(): string {
    return [...this.#metrics.values()].flatMap((metric) => metric.render()).join('\n') + '\n';
  }

  #add<M extends Metric>(metric: M): M {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(metric.name)) throw new RangeError(`not a metric name: ${metric.name}`);
    if (this.#metrics.has(metric.name)) throw new RangeError(`metric ${metric.name} is registered twice`);
    this.#metrics.set(metric.name, metric);
    return metric;
  }
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function header(name: string, help: string, type: string): string[] {
  return [`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`];
}

/** `{a="x",b="y"}` in the order given, or nothing; values escaped as the format requires. */
function labelText(labels: Labels): string {
  const pairs = Object.entries(labels).map(
    ([key, value]) => `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
