import type { Link, MatchedUsage, MatchMethod, UsageLine, Work } from '../../core/schemas/types.ts';
import type { ReferenceState } from '../state/reference-state.ts';

// The match rules, in order; the first that decides wins:
//   1. ISRC → work through the link sources, the most trusted source first;
//   2. an ISWC given in the line (already check-digit verified at ingest), known in ref.works;
//   (3. title and writer/artist similarity: not built yet)
//   otherwise unmatched, with the rules tried.

export type MatchResult =
  | { kind: 'matched'; work: Work; method: MatchMethod; confidence: number; linkSource: string | null }
  | { kind: 'unmatched'; rulesTried: string[]; reason: string };

export const RULES = ['ISRC_LINK', 'ISWC'] as const;

/** Ranks sources: listed ones by position, others after them, ties by newest assertion. */
export function rankLinks(links: Link[], sourcePriority: string[]): Link[] {
  const rank = (l: Link) => {
    const i = sourcePriority.indexOf(l.source);
    return i < 0 ? sourcePriority.length : i;
  };
  return [...links].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      b.assertedAt.getTime() - a.assertedAt.getTime() ||
      a.source.localeCompare(b.source),
  );
}

function workOfLink(link: Link, state: ReferenceState): Work | null {
  if (link.workId) return state.works.get(link.workId) ?? null;
  if (link.iswc) return state.worksWithIswc(link.iswc)[0] ?? null;
  return null;
}

export function matchLine(line: UsageLine, state: ReferenceState, sourcePriority: string[]): MatchResult {
  if (line.resources.length !== 1) {
    return {
      kind: 'unmatched',
      rulesTried: [],
      reason:
        line.resources.length === 0
          ? 'the line names no resource'
          : `usage reported at release level over ${line.resources.length} resources: spreading it over their works is not built yet`,
    };
  }
  const resource = line.resources[0]!;
  const notes: string[] = [];

  if (resource.isrc) {
    const links = state.recordings.get(resource.isrc) ?? [];
    for (const link of rankLinks(links, sourcePriority)) {
      const work = workOfLink(link, state);
      if (work) return { kind: 'matched', work, method: 'ISRC_LINK', confidence: 1, linkSource: link.source };
    }
    notes.push(
      links.length
        ? `ISRC ${resource.isrc}: its ${links.length} link(s) name no known work`
        : `ISRC ${resource.isrc}: no link`,
    );
  } else notes.push('no ISRC');

  if (resource.iswc) {
    const [work] = state.worksWithIswc(resource.iswc);
    if (work) return { kind: 'matched', work, method: 'ISWC', confidence: 1, linkSource: null };
    notes.push(`ISWC ${resource.iswc}: no known work`);
  } else notes.push('no ISWC');

  return { kind: 'unmatched', rulesTried: [...RULES], reason: notes.join('; ') };
}

/** The usage.matched record of a line a rule matched. */
export function matchedUsage(
  line: UsageLine,
  result: Extract<MatchResult, { kind: 'matched' }>,
  rematch: boolean,
): MatchedUsage {
  return {
    lineId: line.lineId,
    fileId: line.fileId,
    line,
    workId: result.work.workId,
    iswc: result.work.iswc,
    writers: result.work.writers,
    publishers: result.work.publishers,
    method: result.method,
    confidence: result.confidence,
    linkSource: result.linkSource,
    rematch,
    partIndex: 0,
    partCount: 1,
  };
}
