import fc from 'fast-check';
import { framedActions, framedScript, type Action } from './framed-cases.js';
import { legacyActions, legacyScript } from './legacy-cases.js';

/** What kind of peer a script plays, and on which port. */
export type ScriptKind = 'framed' | 'framed-coordinator' | 'legacy' | 'legacy-coordinator' | 'garbage';

export interface Script {
  readonly kind: ScriptKind;
  readonly actions: readonly Action[];
}

/** First bytes of any value, then anything: the codec sniff and its plain-text refusal. */
const garbage = fc
  .array(fc.uint8Array({ minLength: 1, maxLength: 200 }), { minLength: 1, maxLength: 4 })
  .map((chunks) => chunks.map((b) => ({ bytes: Buffer.from(b), cuts: [], coalesce: false })));

/** One connection's script; the mix keeps most cases on the framed node port, where most code is. */
export const script: fc.Arbitrary<Script> = fc.oneof(
  { weight: 70, arbitrary: framedScript.map((s) => ({ kind: 'framed' as const, actions: framedActions(s) })) },
  { weight: 4, arbitrary: framedScript.map((s) => ({ kind: 'framed-coordinator' as const, actions: framedActions(s) })) },
  { weight: 18, arbitrary: legacyScript.map((s) => ({ kind: 'legacy' as const, actions: legacyActions(s) })) },
  { weight: 3, arbitrary: legacyScript.map((s) => ({ kind: 'legacy-coordinator' as const, actions: legacyActions(s) })) },
  { weight: 5, arbitrary: garbage.map((actions) => ({ kind: 'garbage' as const, actions })) },
);

/** Script number `index` of the run seeded `seed`: generated on its own, so any one can be replayed. */
export function scriptAt(seed: number, index: number): Script {
  return fc.sample(script, { seed: (seed + Math.imul(index, 0x9e3779b1)) | 0, numRuns: 1 })[0]!;
}

/** An action's chunks: its bytes cut at its cut points. */
export function chunksOf(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(last, p));
    last = p;
  }
  chunks.push(bytes.subarray(last));
  return chunks;
}
