// Rule 3, TITLE_SIMILARITY: the normalised title plus writer (or, without writers, artist)
// similarity, at or above the configured confidence, and no rival work as good.

import type { Work } from '../../core/schemas/index.ts';
import type { ReferenceState } from '../state/reference-state.ts';
import { byCodeUnits, type TitleCandidate } from '../state/title-index.ts';
import { PERFORMER, workPeople, WRITER, type LineNames, type WorkPeople } from '../state/work-names.ts';
import type { MatchableResource } from './matchable-line.ts';
import { normaliseTitle } from './normalise.ts';
import type { ResourceResult } from './rules.ts';
import { personNames, personsSimilarity, type PersonName } from './similarity.ts';

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

/** Rule 3's confidence that this resource is a use of this work, given their titles' similarity. */
export function similarityConfidence(
  titleSimilarity: number,
  resource: MatchableResource,
  work: Work,
): number {
  return confidence(titleSimilarity, linePeople(resource), workPeople(work));
}

/** Rule 3's confidence; with bound, an upper bound of it that costs no edit distance. */
function confidence(titleSimilarity: number, line: LinePeople, work: WorkPeople, bound = false): number {
  // Writers identify a work; performers only when the line or the work names no writer.
  return confidenceOf(
    titleSimilarity,
    personsSimilarity(line.composers, work.writers, bound) ??
      personsSimilarity(line.artists, work.performers, bound),
  );
}

/** confidence, from the people's similarity (null: no people on either side). */
function confidenceOf(titleSimilarity: number, people: number | null): number {
  const confidence =
    people === null
      ? TITLE_ONLY_FACTOR * titleSimilarity
      : TITLE_WEIGHT * titleSimilarity + (1 - TITLE_WEIGHT) * people;
  return Math.round(confidence * 10000) / 10000;
}

/**
 * The people of a resource, worked out once for all its candidates: composers and display
 * artists, and (when many candidates are looked at) as numbered in the title index.
 */
interface LinePeople {
  composers: PersonName[];
  artists: PersonName[];
  names?: LineNames;
}

function linePeople(resource: MatchableResource): LinePeople {
  return { composers: personNames(resource.composers), artists: personNames(resource.displayArtists) };
}

function lineNames(line: LinePeople, state: ReferenceState): LineNames {
  return (line.names ??= state.titles.names.lineNames(line.composers, line.artists));
}

interface ScoredTitle extends Scored {
  titleSimilarity: number;
}

/**
 * The candidates that can decide, scored, best first: the best one, and every one that
 * could be its rival (rivalOf); not the others. Each candidate's confidence is bounded from
 * above, first from the names in the title index alone (an equal name or not), then, for
 * the candidates taken from the best bound down, from their names' lengths and characters;
 * a candidate is scored unless its bound can neither beat the best score so far nor come
 * within AMBIGUITY_MARGIN of it at minConfidence or more. memo keeps each work's score for
 * the resource, as both searches (same title, near titles) may offer the same work.
 */
function score(
  candidates: TitleCandidate[],
  line: LinePeople,
  state: ReferenceState,
  memo: ScoredTitle[],
  minConfidence: number,
): Scored[] {
  const scored: Scored[] = [];
  const pending: { c: TitleCandidate; bound: number }[] = [];
  let best = -Infinity;
  for (const c of sharingPeople(candidates, line, state)) {
    const known = memo.length > 0 ? memo.find((m) => m.work === c.work) : undefined;
    if (known?.titleSimilarity === c.titleSimilarity) {
      scored.push(known);
      best = Math.max(best, known.score);
    } else pending.push({ c, bound: 1 });
  }
  // One alone is scored whatever its bound.
  if (pending.length > 1) {
    const names = lineNames(line, state);
    for (const p of pending) {
      p.bound = confidenceOf(
        p.c.titleSimilarity,
        state.titles.names.peopleBound(p.c, WRITER, names) ??
          state.titles.names.peopleBound(p.c, PERFORMER, names),
      );
    }
    pending.sort((a, b) => b.bound - a.bound);
  }
  for (const { c, bound } of pending) {
    if (cannotDecide(bound, best, minConfidence)) break; // nor can the ones after it
    // The finer bound only once a candidate decides and rivals are sought: below
    // minConfidence the best is sought among candidates mostly as unlike the line as each other.
    if (
      best >= minConfidence &&
      cannotDecide(confidence(c.titleSimilarity, line, c.people, true), best, minConfidence)
    )
      continue;
    const s = {
      work: c.work,
      titleSimilarity: c.titleSimilarity,
      score: confidence(c.titleSimilarity, line, c.people),
    };
    memo.push(s);
    scored.push(s);
    best = Math.max(best, s.score);
  }
  return scored.sort(byScore);
}

/** Whether a candidate whose confidence is at most `bound` can neither be best nor rival (rivalOf). */
function cannotDecide(bound: number, best: number, minConfidence: number): boolean {
  return bound < best && (bound < minConfidence || best - bound >= AMBIGUITY_MARGIN);
}

const byScore = (a: Scored, b: Scored) => b.score - a.score || byCodeUnits(a.work.workId, b.work.workId);

export function matchBySimilarity(
  resource: MatchableResource,
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
  const line = linePeople(resource);
  // The very same title first: when one of those works decides, no near title is sought.
  const exact = state.titles.exact(title);
  const memo: ScoredTitle[] = [];
  let scored = score(exact, line, state, memo, minConfidence);
  if (!decides(scored, minConfidence)) {
    const near = state.titles.candidates(title, MIN_TITLE_SIMILARITY, CANDIDATES_SCORED);
    // Nothing but the same works again (every one at similarity 1): the same scores.
    if (near.length !== exact.length || near.some((c) => c.titleSimilarity < 1)) {
      scored = score(near, line, state, memo, minConfidence);
    }
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

/**
 * Many works share a common title ("Love", "Intro"): of more than a few candidates, only
 * those sharing name words with the line (composers with writers, or artists with
 * performers) are scored, the most words shared first, at most MAX_SHARING_SCORED of them:
 * the others cannot reach a useful confidence.
 */
function sharingPeople(candidates: TitleCandidate[], line: LinePeople, state: ReferenceState) {
  if (candidates.length <= CANDIDATES_SCORED) return candidates;
  const names = lineNames(line, state);
  if (names.words.length === 0) return [];
  const shared: { c: TitleCandidate; n: number }[] = [];
  for (const c of candidates) {
    const n = state.titles.names.sharedNameWords(c, names);
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
