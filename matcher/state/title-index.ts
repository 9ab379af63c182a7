import type { Work } from '../../core/schemas/types.ts';
import { normaliseTitle } from '../rules/normalise.ts';
import { stringSimilarity } from '../rules/similarity.ts';

// The index rule 3 searches: every title of every work (main and alternative titles),
// normalised, by the whole title and by each of its words. A line is compared only with
// works sharing its whole title or one of its two rarest words, so a near title is found
// when one word is misspelt in a title of two words or more ("yelow submarine"); a single
// misspelt word is not found.

/** Posting lists longer than this ("love", "the") are too common to narrow anything down. */
const MAX_POSTING = 1000;
/** How many of the title's rarest words gather candidates. */
const WORDS_USED = 2;
/** Works with the very same title considered at most (a very common title). */
const MAX_EXACT = 200;

export interface TitleCandidate {
  workId: string;
  /** the best similarity of the line's title with any of the work's titles */
  titleSimilarity: number;
}

function wordKeys(normalisedTitle: string): string[] {
  return [...new Set(normalisedTitle.split(' '))].filter(Boolean);
}

export class TitleIndex {
  // Works are numbered so the posting sets hold small integers, not strings (1M works).
  private readonly ordinalOf = new Map<string, number>();
  private readonly workIds: string[] = [];
  private readonly titlesOf: (string[] | undefined)[] = [];
  private readonly byTitle = new Map<string, Set<number>>();
  private readonly byWord = new Map<string, Set<number>>();

  put(workId: string, work: Work | null): void {
    let n = this.ordinalOf.get(workId);
    if (n === undefined) {
      if (!work) return;
      n = this.workIds.push(workId) - 1;
      this.ordinalOf.set(workId, n);
    }
    for (const t of this.titlesOf[n] ?? []) {
      this.byTitle.get(t)?.delete(n);
      for (const k of wordKeys(t)) this.byWord.get(k)?.delete(n);
    }
    const titles = work
      ? [...new Set([work.title, ...work.alternativeTitles].map(normaliseTitle).filter(Boolean))]
      : [];
    this.titlesOf[n] = titles;
    for (const t of titles) {
      add(this.byTitle, t, n);
      for (const k of wordKeys(t)) add(this.byWord, k, n);
    }
  }

  /** Every work with this very (normalised) title, in no particular order. */
  exact(normalisedTitle: string): TitleCandidate[] {
    return [...(this.byTitle.get(normalisedTitle) ?? [])].map((n) => ({
      workId: this.workIds[n]!,
      titleSimilarity: 1,
    }));
  }

  /** Works whose titles resemble this (normalised) title, most similar first. */
  candidates(normalisedTitle: string, minSimilarity: number, limit: number): TitleCandidate[] {
    // A very common title's works were all seen through exact(); not again here.
    const same = this.byTitle.get(normalisedTitle);
    const ordinals = new Set(same && same.size <= MAX_EXACT ? same : []);
    const postings = wordKeys(normalisedTitle)
      .map((k) => this.byWord.get(k))
      .filter((p): p is Set<number> => !!p && p.size > 0 && p.size <= MAX_POSTING)
      .sort((a, b) => a.size - b.size)
      .slice(0, WORDS_USED);
    for (const p of postings) for (const n of p) ordinals.add(n);
    const out: TitleCandidate[] = [];
    const length = normalisedTitle.length;
    for (const n of ordinals) {
      let best = 0;
      for (const t of this.titlesOf[n] ?? []) {
        // Lengths this far apart cannot reach minSimilarity: skip the edit distance.
        if (Math.abs(t.length - length) > (1 - minSimilarity) * Math.max(t.length, length)) continue;
        best = Math.max(best, stringSimilarity(normalisedTitle, t));
      }
      if (best >= minSimilarity) out.push({ workId: this.workIds[n]!, titleSimilarity: best });
    }
    out.sort((a, b) => b.titleSimilarity - a.titleSimilarity || byCodeUnits(a.workId, b.workId));
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

/** A plain string order (localeCompare is far slower, and ids need no locale). */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
