import type { ChaosResult } from './run.js';

/** Violations shown with their history; the rest are listed in one line each. */
const EXPLAINED = 5;

/** A run in a few lines when it passed; each violation, and the history of the first few, when not. */
export function formatChaosResult(result: ChaosResult): string {
  const s = result.stats;
  const faults =
    Object.entries(s.faults)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ') || 'none';
  const summary = `sent ${s.sent}, acked ${s.acked}, stored ${s.stored}, received ${s.received} (${s.undecryptable} undecryptable); faults: ${faults}; ${s.seconds.toFixed(1)} s`;
  if (result.violations.length === 0) return `seed ${result.seed} (${result.topology}) passed: ${summary}`;
  const lines = [`seed ${result.seed} (${result.topology}) FAILED, ${result.violations.length} violation(s): ${summary}`];
  if (result.unsettled.length > 0) lines.push(`  not settled: ${result.unsettled.slice(0, 5).join('; ')}`);
  result.violations.forEach((v, i) => {
    lines.push(`  ${v.kind}: ${v.detail}`);
    if (i < EXPLAINED) lines.push(...result.explanations[i]!.map((line) => `    ${line}`));
  });
  lines.push(`  replay: npm run chaos -- --seed ${result.seed} --topology ${result.topology}`);
  return lines.join('\n');
}
