import type { MatchedUsage, MatchMethod, Work } from '../../core/schemas/index.ts';
import { isUsageReportSource } from '../refdata/usage-links.ts';
import type { ReferenceState } from '../state/reference-state.ts';
import { linkedWork } from './isrc-link.ts';
import type { MatchableLine, MatchableResource } from './matchable-line.ts';
import { matchBySimilarity } from './title-similarity.ts';

// The match rules, in order, for each resource of a line; the first that decides wins:
//   1. ISRC → work through the link sources, the most trusted source first (links supplied
//      inside usage reports rank after every catalog source);
//   2. an ISWC given in the line (already check-digit verified at ingest), known in ref.works;
//   3. normalised title plus writer (or, without writers, artist) similarity, at or above
//      the configured confidence;
//   otherwise unmatched, with the rules tried and the best candidate's score.
// A line reported at release level names several resources: it matches only if every one
// does, as one part per resource.
// Rule 1 is in isrc-link.ts, rule 3 in title-similarity.ts.

export { rankLinks } from './isrc-link.ts';
export { similarityConfidence, TITLE_ONLY_FACTOR, TITLE_WEIGHT } from './title-similarity.ts';

export interface MatchOptions {
  /** link sources, most trusted first */
  sourcePriority: string[];
  /** rule 3 decides at or above this confidence */
  minConfidence: number;
  /**
   * confidence of a rule-1 match through a link taken from a usage report (`dsr:<sender>`),
   * so statements tell it from a catalog link; DEFAULT_USAGE_LINK_CONFIDENCE when not given
   */
  usageLinkConfidence?: number;
}

/** A usage report's link is a sender's word, not the catalog's: less than certain. */
export const DEFAULT_USAGE_LINK_CONFIDENCE = 0.9;

export interface MatchedPart {
  /** index of the resource in line.resources */
  resourceIndex: number;
  work: Work;
  method: MatchMethod;
  confidence: number;
  linkSource: string | null;
}

export interface Candidate {
  workId: string;
  score: number;
}

export type MatchResult =
  | { kind: 'matched'; parts: MatchedPart[] }
  | { kind: 'unmatched'; rulesTried: string[]; reason: string; bestCandidate: Candidate | null };

export const RULES = ['ISRC_LINK', 'ISWC', 'TITLE_SIMILARITY'] as const;

export type ResourceResult =
  | { kind: 'matched'; part: MatchedPart }
  | { kind: 'unmatched'; notes: string[]; bestCandidate: Candidate | null };

function matchedPart(
  resourceIndex: number,
  work: Work,
  method: MatchMethod,
  linkSource: string | null,
  confidence: number,
): ResourceResult {
  return { kind: 'matched', part: { resourceIndex, work, method, confidence, linkSource } };
}

/** Rules 1 to 3 for one resource. */
export function matchResource(
  resource: MatchableResource,
  resourceIndex: number,
  state: ReferenceState,
  options: MatchOptions,
): ResourceResult {
  const notes: string[] = [];
  if (resource.isrc) {
    const links = state.recordings.get(resource.isrc);
    const hit = links ? linkedWork(links, options.sourcePriority, state) : null;
    if (hit) {
      const confidence = isUsageReportSource(hit.link.source)
        ? (options.usageLinkConfidence ?? DEFAULT_USAGE_LINK_CONFIDENCE)
        : 1;
      return matchedPart(resourceIndex, hit.work, 'ISRC_LINK', hit.link.source, confidence);
    }
    notes.push(
      links?.length
        ? `ISRC ${resource.isrc}: its ${links.length} link(s) name no known work`
        : `ISRC ${resource.isrc}: no link`,
    );
  } else notes.push('no ISRC');

  if (resource.iswc) {
    const work = state.firstWorkWithIswc(resource.iswc);
    if (work) return matchedPart(resourceIndex, work, 'ISWC', null, 1);
    notes.push(`ISWC ${resource.iswc}: no known work`);
  } else notes.push('no ISWC');

  return matchBySimilarity(resource, resourceIndex, state, options.minConfidence, notes);
}

/** Matches a line: every resource it names must match; a pure function of the state. */
export function matchLine(line: MatchableLine, state: ReferenceState, options: MatchOptions): MatchResult {
  if (line.resources.length === 0) {
    return { kind: 'unmatched', rulesTried: [], reason: 'the line names no resource', bestCandidate: null };
  }
  const results: ResourceResult[] = [];
  const parts: MatchedPart[] = [];
  for (let i = 0; i < line.resources.length; i++) {
    const r = matchResource(line.resources[i]!, i, state, options);
    results.push(r);
    if (r.kind === 'matched') parts.push(r.part);
  }
  if (parts.length === results.length) return { kind: 'matched', parts };

  const failed = results.flatMap((r, i) => (r.kind === 'unmatched' ? [{ r, i }] : []));
  const reason =
    line.resources.length === 1
      ? failed[0]!.r.notes.join('; ')
      : `usage reported at release level over ${line.resources.length} resources; ` +
        `${failed.length} not matched: ` +
        failed
          .map(({ r, i }) => `resource ${resourceName(line.resources[i]!, i)}: ${r.notes.join('; ')}`)
          .join(' | ');
  // The best candidate of the first resource that failed (the record has room for one).
  return { kind: 'unmatched', rulesTried: [...RULES], reason, bestCandidate: failed[0]!.r.bestCandidate };
}

function resourceName(r: MatchableResource, index: number): string {
  return `${index + 1} (${r.resourceRef ?? r.isrc ?? r.title ?? 'unnamed'})`;
}

/**
 * The usage.matched records of a matched line: one per resource (part). They carry the line
 * as given: the whole line, or what the rules read of it when its bytes are written instead.
 */
export function matchedUsages<L extends MatchableLine>(
  line: L,
  result: Extract<MatchResult, { kind: 'matched' }>,
  rematch: boolean,
): (Omit<MatchedUsage, 'line'> & { line: L })[] {
  return result.parts.map((part) => ({
    lineId: line.lineId,
    fileId: line.fileId,
    line,
    workId: part.work.workId,
    iswc: part.work.iswc,
    writers: part.work.writers,
    publishers: part.work.publishers,
    method: part.method,
    confidence: part.confidence,
    linkSource: part.linkSource,
    rematch,
    partIndex: part.resourceIndex,
    partCount: result.parts.length,
  }));
}
