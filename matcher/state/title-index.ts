import type { Work } from '../../core/schemas/types.ts';
import { normaliseTitle } from '../rules/normalise.ts';
import { stringSimilarity } from '../rules/similarity.ts';

// The index rule 3 searches: every title of every work (main and alternative titles),
// normalised, by the whole title and by the first four letters of each word. The prefix
// keys find near titles ("yesterdy" → "yesterday") without comparing a line with every work:
// a line is compared only with works sharing the whole title or its rarest word prefixes.

/** Posting lists longer than this ("love", "the") are too common to narrow anything down. */
const MAX_POSTING = 5000;
/** How many of the title's rarest word prefixes gather candidates. */
const PREFIXES_USED = 2;
/** Works with the very same title considered at most (a very common title). */
const MAX_EXACT = 200;

export interface TitleCandidate {
  workId: string;
  /** the best similarity of the line's title with any of the work's titles */
  titleSimilarity: number;
}

function prefixKeys(normalisedTitle: string): string[] {
  return [...new Set(normalisedTitle.split(' ').map((w) => w.slice(0, 4)))].filter(Boolean);
}

export class TitleIndex {
  // Works are numbered so the posting sets hold small integers, not strings (1M works).
  private readonly ordinalOf = new Map<string, number>();
  private readonly workIds: string[] = [];
  private readonly titlesOf: (string[] | undefined)[] = [];
  private readonly byTitle = new Map<string, Set<number>>();
  private readonly byPrefix = new Map<string, Set<number>>();

  put(workId: string, work: Work | null): void {
    let n = this.ordinalOf.get(workId);
    if (n === undefined) {
      if (!work) return;
      n = this.workIds.push(workId) - 1;
      this.ordinalOf.set(workId, n);
    }
    for (const t of this.titlesOf[n] ?? []) {
      this.byTitle.get(t)?.delete(n);
      for (const k of prefixKeys(t)) this.byPrefix.get(k)?.delete(n);
    }
    const titles = work
      ? [...new Set([work.title, ...work.alternativeTitles].map(normaliseTitle).filter(Boolean))]
      : [];
    this.titlesOf[n] = titles;
    for (const t of titles) {
      add(this.byTitle, t, n);
      for (const k of prefixKeys(t)) add(this.byPrefix, k, n);
    }
  }

  /** Works whose titles resemble this (normalised) title, most similar first. */
  candidates(normalisedTitle: string, minSimilarity: number, limit: number): TitleCandidate[] {
    const ordinals = new Set(this.byTitle.get(normalisedTitle) ?? []);
    const postings = prefixKeys(normalisedTitle)
      .map((k) => this.byPrefix.get(k))
      .filter((p): p is Set<number> => !!p && p.size > 0 && p.size <= MAX_POSTING)
      .sort((a, b) => a.size - b.size)
      .slice(0, PREFIXES_USED);
    for (const p of postings) for (const n of p) ordinals.add(n);
    const out: TitleCandidate[] = [];
    for (const n of ordinals) {
      let best = 0;
      for (const t of this.titlesOf[n] ?? []) best = Math.max(best, stringSimilarity(normalisedTitle, t));
      if (best >= minSimilarity) out.push({ workId: this.workIds[n]!, titleSimilarity: best });
    }
    out.sort((a, b) => b.titleSimilarity - a.titleSimilarity || a.workId.localeCompare(b.workId));
    // Every work with the very same title is a candidate (the writers tell them apart).
    const exact = out.findIndex((c) => c.titleSimilarity < 1);
    return out.slice(0, Math.min(MAX_EXACT, Math.max(limit, exact < 0 ? out.length : exact)));
  }
}

function add(map: Map<string, Set<number>>, key: string, n: number): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(n);
}
