import type { TimelineEntry } from './history.js';

/** The run's timeline: every line stamped with milliseconds since the run began; echoed with --verbose. */
export class Recorder {
  readonly timeline: TimelineEntry[] = [];
  readonly #start = performance.now();

  constructor(private readonly echo: ((line: string) => void) | undefined = undefined) {}

  now(): number {
    return Math.round(performance.now() - this.#start);
  }

  log(text: string, about: { user?: number; conversation?: number } = {}, echo = true): void {
    const entry: TimelineEntry = { at: this.now(), text, ...about };
    this.timeline.push(entry);
    if (echo && this.echo) this.echo(`${(entry.at / 1000).toFixed(3)}s ${about.user === undefined ? '' : `[user ${about.user}] `}${text}`);
  }
}
