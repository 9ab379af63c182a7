// A matched line's parts (a medley matches several works): which emission of each part
// counts, and each part's even share of the line's value and usages.
import type { MatchFacts } from './input.ts';

/** The latest emission of each part of a line: re-matches first, then by time and offset. */
export function settledParts(parts: readonly MatchFacts[]): MatchFacts[] {
  if (parts.length <= 1) return parts as MatchFacts[];
  const best = new Map<number, MatchFacts>();
  for (const p of parts) {
    const known = best.get(p.partIndex);
    if (!known || compareOrder(p.order, known.order) > 0) best.set(p.partIndex, p);
  }
  return [...best.values()].sort((a, b) => a.partIndex - b.partIndex);
}

function compareOrder(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** The even split of an integer over n parts, the remainder to the first parts. */
export function evenPart(total: bigint, n: number, i: number): bigint {
  if (n === 1) return total;
  const N = BigInt(n);
  const base = total / N;
  const rest = total - base * N;
  return base + (BigInt(i) < rest ? 1n : 0n);
}
