import type { Link, MatchedUsage, MatchMethod, Resource, UsageLine, Work } from '../../core/schemas/types.ts';
import type { ReferenceState } from '../state/reference-state.ts';
import { byCodeUnits, type TitleCandidate } from '../state/title-index.ts';
import { isUsageReportSource } from '../refdata/usage-links.ts';
import { nameTokens, normaliseTitle, splitCredit } from './normalise.ts';
import { peopleSimilarity } from './similarity.ts';

// The match rules, in order, for each resource of a line; the first that decides wins:
//   1. ISRC → work through the link sources, the most trusted source first (links supplied
//      inside usage reports rank after every catalog source);
//   2. an ISWC given in the line (already check-digit verified at ingest), known in ref.works;
//   3. normalised title plus writer (or, without writers, artist) similarity, at or above
//      the configured confidence;
//   otherwise unmatched, with the rules tried and the best candidate's score.
// A line reported at release level names several resources: it matches only if every one
// does, as one part per resource.

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

// Rule 3's confidence: TITLE_WEIGHT × title similarity + (1 − TITLE_WEIGHT) × people
// similarity. Without people on either side the title alone counts TITLE_ONLY_FACTOR of
// itself, which stays below any sensible threshold: a title alone never decides.
export const TITLE_WEIGHT = 0.6;
export const TITLE_ONLY_FACTOR = 0.75;
/** Candidates whose best title is less similar than this are not scored. */
const MIN_TITLE_SIMILARITY = 0.6;
/** Candidates, after those with the very same title, scored per resource. */
const CANDIDATES_SCORED = 10;
/** Same-title candidates sharing name words with the line, scored at most. */
const MAX_SHARING_SCORED = 50;
/** Two different works closer than this at the top leave the resource unmatched (ambiguous). */
const AMBIGUITY_MARGIN = 0.02;

function linkRank(link: Link, sourcePriority: string[]): number {
  const i = sourcePriority.indexOf(link.source);
  if (i >= 0) return i;
  return sourcePriority.length + (isUsageReportSource(link.source) ? 1 : 0);
}

/** Below zero when link a ranks before link b (see rankLinks). */
function compareLinks(a: Link, b: Link, sourcePriority: string[]): number {
  return (
    linkRank(a, sourcePriority) - linkRank(b, sourcePriority) ||
    b.assertedAt.getTime() - a.assertedAt.getTime() ||
    a.source.localeCompare(b.source)
  );
}

/**
 * Ranks sources: listed ones by position, then unlisted catalog sources, then unlisted
 * sources from usage reports; ties by newest assertion.
 */
export function rankLinks(links: Link[], sourcePriority: string[]): Link[] {
  return [...links].sort((a, b) => compareLinks(a, b, sourcePriority));
}

/**
 * The best-ranked link that names a known work, with the work: what the first hit of
 * rankLinks would be, in one pass without copying or sorting (this runs for every line).
 */
function linkedWork(links: Link[], sourcePriority: string[], state: ReferenceState) {
  let best: { link: Link; work: Work } | null = null;
  for (const link of links) {
    if (best && compareLinks(link, best.link, sourcePriority) >= 0) continue;
    const work = workOfLink(link, state);
    if (work) best = { link, work };
  }
  return best;
}

function workOfLink(link: Link, state: ReferenceState): Work | null {
  if (link.workId) return state.works.get(link.workId) ?? null;
  if (link.iswc) return state.firstWorkWithIswc(link.iswc);
  return null;
}

/** Rule 3's confidence that this resource is a use of this work, given their titles' similarity. */
export function similarityConfidence(titleSimilarity: number, resource: Resource, work: Work): number {
  // Writers identify a work; performers only when the line or the work names no writer.
  const people =
    peopleSimilarity(
      resource.composers,
      work.writers.map((w) => w.name),
    ) ?? peopleSimilarity(resource.displayArtists, work.performers);
  const confidence =
    people === null
      ? TITLE_ONLY_FACTOR * titleSimilarity
      : TITLE_WEIGHT * titleSimilarity + (1 - TITLE_WEIGHT) * people;
  return Math.round(confidence * 10000) / 10000;
}

type ResourceResult =
  | { kind: 'matched'; part: MatchedPart }
  | { kind: 'unmatched'; notes: string[]; bestCandidate: Candidate | null };

function matchBySimilarity(
  resource: Resource,
  resourceIndex: number,
  state: ReferenceState,
  minConfidence: number,
  notes: string[],
): ResourceResult {
  const title = resource.title ? normaliseTitle(resource.title) : '';
  if (!title) {
    notes.push('no title');
    return { kind: 'unmatched', notes, bestCandidate: null };
  }
  const score = (candidates: TitleCandidate[]) =>
    sharingPeople(candidates, resource, state)
      .map((c) => {
        const work = state.works.get(c.workId)!;
        return { work, score: similarityConfidence(c.titleSimilarity, resource, work) };
      })
      .sort((a, b) => b.score - a.score || byCodeUnits(a.work.workId, b.work.workId));
  // The very same title first: when one of those works decides, no near title is sought.
  let scored = score(state.titles.exact(title));
  if (!decides(scored, minConfidence)) {
    scored = score(state.titles.candidates(title, MIN_TITLE_SIMILARITY, CANDIDATES_SCORED));
  }
  const [best] = scored;
  if (!best) {
    notes.push(`title "${title}": no candidate (no similar title, or none sharing a writer or artist)`);
    return { kind: 'unmatched', notes, bestCandidate: null };
  }
  const bestCandidate = { workId: best.work.workId, score: best.score };
  if (best.score < minConfidence) {
    notes.push(`title "${title}": best candidate ${best.work.workId} at ${best.score} < ${minConfidence}`);
    return { kind: 'unmatched', notes, bestCandidate };
  }
  const rival = rivalOf(scored, minConfidence);
  if (rival) {
    notes.push(
      `title "${title}": ambiguous, ${best.work.workId} at ${best.score} and ${rival.work.workId} at ${rival.score}`,
    );
    return { kind: 'unmatched', notes, bestCandidate };
  }
  return {
    kind: 'matched',
    part: {
      resourceIndex,
      work: best.work,
      method: 'TITLE_SIMILARITY',
      confidence: best.score,
      linkSource: null,
    },
  };
}

/** The name words of a work's writers and of its performers, kept while the work is. */
const peopleWordsOf = new WeakMap<Work, { writers: Set<string>; performers: Set<string> }>();
const nameWords = (names: string[]) => new Set(names.flatMap(splitCredit).flatMap(nameTokens));
function peopleWords(work: Work) {
  let words = peopleWordsOf.get(work);
  if (!words) {
    words = { writers: nameWords(work.writers.map((w) => w.name)), performers: nameWords(work.performers) };
    peopleWordsOf.set(work, words);
  }
  return words;
}

/**
 * Many works share a common title ("Love", "Intro"): of more than a few candidates, only
 * those sharing name words with the line (composers with writers, or artists with
 * performers) are scored, the most words shared first, at most MAX_SHARING_SCORED of them:
 * the others cannot reach a useful confidence.
 */
function sharingPeople(candidates: TitleCandidate[], resource: Resource, state: ReferenceState) {
  if (candidates.length <= CANDIDATES_SCORED) return candidates;
  const composers = [...nameWords(resource.composers)];
  const artists = [...nameWords(resource.displayArtists)];
  const shared: { c: TitleCandidate; n: number }[] = [];
  for (const c of candidates) {
    const words = peopleWords(state.works.get(c.workId)!);
    let n = 0;
    for (const w of composers) if (words.writers.has(w)) n++;
    for (const w of artists) if (words.performers.has(w)) n++;
    if (n > 0) shared.push({ c, n });
  }
  if (shared.length > MAX_SHARING_SCORED) {
    shared.sort((a, b) => b.n - a.n || byCodeUnits(a.c.workId, b.c.workId));
    shared.length = MAX_SHARING_SCORED;
  }
  return shared.map((x) => x.c);
}

interface Scored {
  work: Work;
  score: number;
}

/** A different work (not the same ISWC) as good as the best, give or take the margin. */
function rivalOf([best, ...rest]: Scored[], minConfidence: number): Scored | undefined {
  if (!best) return undefined;
  const rival = rest.find((r) => !best.work.iswc || r.work.iswc !== best.work.iswc);
  return rival && rival.score >= minConfidence && best.score - rival.score < AMBIGUITY_MARGIN
    ? rival
    : undefined;
}

function decides(scored: Scored[], minConfidence: number): boolean {
  return (scored[0]?.score ?? 0) >= minConfidence && !rivalOf(scored, minConfidence);
}

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
  resource: Resource,
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
export function matchLine(line: UsageLine, state: ReferenceState, options: MatchOptions): MatchResult {
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

function resourceName(r: Resource, index: number): string {
  return `${index + 1} (${r.resourceRef ?? r.isrc ?? r.title ?? 'unnamed'})`;
}

/** The usage.matched records of a matched line: one per resource (part). */
export function matchedUsages(
  line: UsageLine,
  result: Extract<MatchResult, { kind: 'matched' }>,
  rematch: boolean,
): MatchedUsage[] {
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
