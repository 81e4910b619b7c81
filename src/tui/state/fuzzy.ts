/**
 * A fuzzy match score: every query character must appear in order in the candidate (any case).
 * Higher is better: consecutive runs, a match at the start and at word starts score more; a
 * shorter candidate wins ties. Undefined when it does not match.
 */
export function fuzzyScore(query: string, candidate: string): number | undefined {
  const q = query.toLowerCase();
  const c = candidate.toLowerCase();
  if (q === '') return 0;
  let score = 0;
  let from = 0;
  let previous = -2;
  for (const char of q) {
    const at = c.indexOf(char, from);
    if (at < 0) return undefined;
    score += 1;
    if (at === previous + 1) score += 3;
    if (at === 0) score += 5;
    else if (/[\s._-]/.test(c[at - 1]!)) score += 2;
    previous = at;
    from = at + 1;
  }
  return score - c.length * 0.01;
}

/** The candidates that match, best first. */
export function fuzzyFilter<T>(query: string, candidates: readonly T[], label: (item: T) => string): T[] {
  return candidates
    .flatMap((item) => {
      const score = fuzzyScore(query, label(item));
      return score === undefined ? [] : [{ item, score }];
    })
    .sort((a, b) => b.score - a.score)
    .map((s) => s.item);
}
