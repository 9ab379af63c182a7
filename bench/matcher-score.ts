import type { MatchTruthLine, MatchTruthRule } from '../fixtures/index.ts';

// Precision and recall of the matcher's decisions against a generated report's match truth.
//   precision of rule R: of the lines R matched, the share matched to their expected work;
//   recall of truth class R: of the lines that should be matched by R, the share matched to
//   their expected work (by any rule: a line whose ISWC rule 2 matched may be matched by
//   rule 1 once the link its first line asserted is known);
//   false matches: lines that must stay unmatched (UNMATCHED, NEAR_MISS) that were matched.

export type MatchMethodName = 'ISRC_LINK' | 'ISWC' | 'TITLE_SIMILARITY';
export const METHODS: readonly MatchMethodName[] = ['ISRC_LINK', 'ISWC', 'TITLE_SIMILARITY'];

export interface Decision {
  lineNumber: number;
  /** null: unmatched */
  workId: string | null;
  method: MatchMethodName | null;
}

export interface RuleScore {
  /** lines the truth gives to this rule */
  expected: number;
  /** lines this rule matched */
  matched: number;
  /** of those, matched to the expected work */
  correct: number;
  precision: number | null;
  /** expected lines matched to the expected work, by any rule */
  found: number;
  recall: number | null;
}

export interface Score {
  lines: number;
  /** lines with a decision (matched or unmatched) */
  decided: number;
  /** lines decided more than once (must be 0) */
  duplicates: number;
  byRule: Record<MatchMethodName, RuleScore>;
  /** UNMATCHED lines that were matched */
  unmatchedFalseMatches: number;
  nearMisses: number;
  /** NEAR_MISS lines that were matched (they must not be) */
  nearMissFalseMatches: number;
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

export function scoreDecisions(truth: readonly MatchTruthLine[], decisions: Iterable<Decision>): Score {
  const byLine = new Map<number, MatchTruthLine>(truth.map((t) => [t.lineNumber, t]));
  const seen = new Set<number>();
  const rule = () => ({ expected: 0, matched: 0, correct: 0, precision: null, found: 0, recall: null });
  const byRule: Record<MatchMethodName, RuleScore> = {
    ISRC_LINK: rule(),
    ISWC: rule(),
    TITLE_SIMILARITY: rule(),
  };
  const isMethod = (r: MatchTruthRule): r is MatchMethodName => (METHODS as readonly string[]).includes(r);
  for (const t of truth) if (isMethod(t.rule)) byRule[t.rule].expected++;
  let duplicates = 0;
  let unmatchedFalseMatches = 0;
  let nearMissFalseMatches = 0;
  for (const d of decisions) {
    if (seen.has(d.lineNumber)) {
      duplicates++;
      continue;
    }
    seen.add(d.lineNumber);
    const t = byLine.get(d.lineNumber);
    if (!t) throw new Error(`line ${d.lineNumber} has no match truth`);
    if (d.workId === null || d.method === null) continue;
    const ok = d.workId === t.expectedWorkId;
    byRule[d.method].matched++;
    if (ok) byRule[d.method].correct++;
    if (isMethod(t.rule) && ok) byRule[t.rule].found++;
    if (t.rule === 'UNMATCHED') unmatchedFalseMatches++;
    if (t.rule === 'NEAR_MISS') nearMissFalseMatches++;
  }
  for (const r of Object.values(byRule)) {
    r.precision = ratio(r.correct, r.matched);
    r.recall = ratio(r.found, r.expected);
  }
  return {
    lines: truth.length,
    decided: seen.size,
    duplicates,
    byRule,
    unmatchedFalseMatches,
    nearMisses: truth.filter((t) => t.rule === 'NEAR_MISS').length,
    nearMissFalseMatches,
  };
}
