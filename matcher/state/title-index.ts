import type { Work } from '../../core/schemas/index.ts';
import { normaliseTitle } from '../rules/normalise.ts';
import { stringSimilarity } from '../rules/similarity.ts';
import { WordNeighbours } from './word-neighbours.ts';
import { WorkNames, workPeople, type WorkPeople } from './work-names.ts';

// The index rule 3 searches: every title of every work (main and alternative titles),
// normalised, by the whole title and by each of its words. A line is compared only with
// works that have
//   - its very title;
//   - its title but for one word misspelt: within one edit of a word of that title, two
//     when the longer of the two words has six letters or more (word-neighbours.ts), so
//     "yelow submarine" and a one-word "satisfacton" are found;
//   - one of its two rarest words, when fewer than MAX_POSTING titles have that word, so a
//     title with a word more or less ("the yellow submarine") is found when its words are
//     not all common.
// Two words misspelt in a title whose words are all common are not found ("yelow submarin").
//
// It also keeps the works' writers and performers (work-names.ts): of the many works of a
// common title, most are passed over on their names alone.

/** Posting lists longer than this ("love", "the") are too common to narrow anything down. */
const MAX_POSTING = 1000;
/** Works with the very same title considered at most (a very common title). */
const MAX_EXACT = 200;
/** Line words kept (TitleIndex.word). */
const LINE_WORDS_KEPT = 50_000;

interface LineWord {
  /** the works whose titles have the word (a set byWord keeps for good) */
  works: Set<number> | undefined;
  near: string[];
}

/**
 * A work found for a title. Its work and people are read from the index only when asked:
 * of the many works of a common title, most are passed over on their name words alone.
 */
export class TitleCandidate {
  readonly #index: TitleIndex;
  #people: WorkPeople | undefined;
  /** the work's number in the index (and in its names) */
  readonly ordinal: number;
  /** the best similarity of the line's title with any of the work's titles */
  readonly titleSimilarity: number;

  constructor(index: TitleIndex, ordinal: number, titleSimilarity: number) {
    this.#index = index;
    this.ordinal = ordinal;
    this.titleSimilarity = titleSimilarity;
  }

  get work(): Work {
    return this.#index.workAt(this.ordinal);
  }

  get workId(): string {
    return this.work.workId;
  }

  /** worked out once per candidate, when asked */
  get people(): WorkPeople {
    return (this.#people ??= workPeople(this.work));
  }
}

function wordKeys(normalisedTitle: string): string[] {
  return [...new Set(normalisedTitle.split(' '))].filter(Boolean);
}

export class TitleIndex {
  // Works are numbered so the posting sets hold small integers, not strings (1M works).
  private readonly ordinalOf = new Map<string, number>();
  private readonly works: (Work | null)[] = [];
  private readonly titlesOf: (string[] | undefined)[] = [];
  // Most titles are one work's: its number is kept without a Set around it (a Set is
  // ~100 bytes, for each of ~500k titles at 500k works).
  private readonly byTitle = new Map<string, Posting>();
  private readonly byWord = new Map<string, Set<number>>();
  private readonly neighbours = new WordNeighbours();
  /** The writers and performers of the works, by their numbers here. */
  readonly names = new WorkNames();
  // candidates(): works already gathered by the query of this number
  private readonly seen: number[] = [];
  private query = 0;
  private readonly lineWords = new Map<string, LineWord>();
  private lineWordsAt = 0;
  /** title words added (a new key of byWord) */
  private wordsAdded = 0;

  put(workId: string, work: Work | null): void {
    let n = this.ordinalOf.get(workId);
    if (n === undefined) {
      if (!work) return;
      n = this.works.push(work) - 1;
      this.seen.push(0);
      this.ordinalOf.set(workId, n);
    }
    for (const t of this.titlesOf[n] ?? []) {
      drop(this.byTitle, t, n);
      for (const k of wordKeys(t)) this.byWord.get(k)?.delete(n);
    }
    const titles = work
      ? [...new Set([work.title, ...work.alternativeTitles].map(normaliseTitle).filter(Boolean))]
      : [];
    this.works[n] = work;
    this.titlesOf[n] = titles;
    for (const t of titles) {
      addOne(this.byTitle, t, n);
      for (const k of wordKeys(t)) {
        if (!add(this.byWord, k, n)) continue;
        this.neighbours.add(k);
        this.wordsAdded++;
      }
    }
    this.names.put(n, work);
  }

  /** Every work with this very (normalised) title, in no particular order. */
  exact(normalisedTitle: string): TitleCandidate[] {
    const out: TitleCandidate[] = [];
    for (const n of postingWorks(this.byTitle.get(normalisedTitle))) out.push(this.candidate(n, 1));
    return out;
  }

  /**
   * Works whose titles resemble this (normalised) title, at minSimilarity or more: every
   * work with the very same title, and of the others the `limit` most similar, with every
   * work as similar as the last of those (the writers tell them apart, not their ids); at
   * most MAX_EXACT. In no particular order.
   */
  candidates(normalisedTitle: string, minSimilarity: number, limit: number): TitleCandidate[] {
    // A very common title's works were all seen through exact(); not again here.
    const same = this.byTitle.get(normalisedTitle);
    const sameSize = postingSize(same);
    // As many works with the very title as the limit: no other can be among them.
    if (same !== undefined && sameSize >= limit && sameSize <= MAX_EXACT) return this.exact(normalisedTitle);
    const query = ++this.query;
    const out: TitleCandidate[] = [];
    if (same !== undefined && sameSize <= MAX_EXACT) {
      for (const n of postingWorks(same)) {
        this.seen[n] = query;
        out.push(this.candidate(n, 1));
      }
    }
    const ordinals: number[] = [];
    const words = normalisedTitle.split(' ');
    // The two rarest words (distinct) whose works are few enough to look at.
    let rarest: Set<number> | undefined;
    let second: Set<number> | undefined;
    for (let i = 0; i < words.length; i++) {
      const word = this.word(words[i]!);
      for (const replacement of word.near) {
        if (!this.byWord.get(replacement)?.size) continue; // no title has it now
        const replaced = words.slice();
        replaced[i] = replacement;
        const works = this.byTitle.get(replaced.join(' '));
        if (works !== undefined && postingSize(works) <= MAX_EXACT)
          this.gather(postingWorks(works), query, ordinals);
      }
      const p = word.works;
      if (!p || p.size === 0 || p.size > MAX_POSTING || p === rarest || p === second) continue;
      if (!rarest || p.size < rarest.size) [rarest, second] = [p, rarest];
      else if (!second || p.size < second.size) second = p;
    }
    if (rarest) this.gather(rarest, query, ordinals);
    if (second) this.gather(second, query, ordinals);
    const length = normalisedTitle.length;
    for (const n of ordinals) {
      let best = 0;
      for (const t of this.titlesOf[n]!) {
        // Lengths this far apart cannot reach minSimilarity: skip the edit distance.
        if (Math.abs(t.length - length) > (1 - minSimilarity) * Math.max(t.length, length)) continue;
        best = Math.max(best, stringSimilarity(normalisedTitle, t));
      }
      if (best >= minSimilarity) out.push(this.candidate(n, best));
    }
    return cut(out, limit);
  }

  /** Adds to ordinals the works not gathered yet by this query. */
  private gather(works: Iterable<number>, query: number, ordinals: number[]): void {
    for (const n of works) {
      if (this.seen[n] === query) continue;
      this.seen[n] = query;
      ordinals.push(n);
    }
  }

  /**
   * A title word of a line: the works whose titles have it, and the words near it (a
   * misspelling's right spelling, or the other way round; some may be in no title now:
   * WordNeighbours keeps every word ever added).
   */
  private word(word: string): LineWord {
    // Lines bring the same words again and again: kept until a word is added to the index.
    if (this.lineWordsAt !== this.wordsAdded || this.lineWords.size >= LINE_WORDS_KEPT) {
      this.lineWords.clear();
      this.lineWordsAt = this.wordsAdded;
    }
    let known = this.lineWords.get(word);
    if (!known) {
      known = { works: this.byWord.get(word), near: this.neighbours.neighbours(word) };
      this.lineWords.set(word, known);
    }
    return known;
  }

  private candidate(n: number, titleSimilarity: number): TitleCandidate {
    return new TitleCandidate(this, n, titleSimilarity);
  }

  /** The work of a candidate's number (TitleCandidate). */
  workAt(ordinal: number): Work {
    return this.works[ordinal]!;
  }
}

/**
 * Of the candidates, the `limit` most similar, with every one as similar as the last of
 * those and every one at similarity 1; at most MAX_EXACT (the most similar, then by id).
 */
function cut(candidates: TitleCandidate[], limit: number): TitleCandidate[] {
  let out = candidates;
  if (out.length > limit && limit > 0) {
    const similarities = out.map((c) => c.titleSimilarity).sort((a, b) => b - a);
    const least = Math.min(1, similarities[limit - 1]!);
    if (similarities[similarities.length - 1]! < least) out = out.filter((c) => c.titleSimilarity >= least);
  }
  if (out.length > MAX_EXACT) {
    out.sort((a, b) => b.titleSimilarity - a.titleSimilarity || byCodeUnits(a.workId, b.workId));
    out.length = MAX_EXACT;
  }
  return out;
}

/** The works of a title: one work's number, or a Set of several. */
type Posting = number | Set<number>;

function postingSize(p: Posting | undefined): number {
  return p === undefined ? 0 : typeof p === 'number' ? 1 : p.size;
}

function postingWorks(p: Posting | undefined): Iterable<number> {
  return p === undefined ? [] : typeof p === 'number' ? [p] : p;
}

/** Adds n to the key's works. */
function addOne(map: Map<string, Posting>, key: string, n: number): void {
  const p = map.get(key);
  if (p === undefined || p === n) map.set(key, n);
  else if (typeof p === 'number') map.set(key, new Set([p, n]));
  else p.add(n);
}

/** Takes n from the key's works (a Set left with one is replaced by its number). */
function drop(map: Map<string, Posting>, key: string, n: number): void {
  const p = map.get(key);
  if (p === n) map.delete(key);
  else if (typeof p === 'object') {
    p.delete(n);
    if (p.size === 1) map.set(key, p.values().next().value!);
  }
}

/** Adds n to the key's set; true when the key had none before. */
function add(map: Map<string, Set<number>>, key: string, n: number): boolean {
  let set = map.get(key);
  const created = !set;
  if (!set) map.set(key, (set = new Set()));
  set.add(n);
  return created;
}

/** A plain string order (localeCompare is far slower, and ids need no locale). */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
