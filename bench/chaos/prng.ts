/**
 * The chaos run's only source of decisions (which fault, which node, which target, how many): a
 * seeded PRNG (mulberry32), so a seed names the same choices every time. The timing of a loaded
 * machine still varies between runs, so a seed replays the plan, not every interleaving.
 */
export class Prng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A PRNG of its own for one part of the run (faults, one client), so parts do not shift each other's draws. */
  fork(label: number): Prng {
    return new Prng(Math.imul(this.#state ^ (label * 0x9e3779b1), 0x85ebca6b) ^ label);
  }
}
