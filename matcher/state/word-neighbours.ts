import { distance } from 'fastest-levenshtein';

// The words of the indexed titles, found from a misspelt one: a deletion neighbourhood
// (as in SymSpell). Every word is stored under each string it becomes with up to
// maxEdits(its length) characters deleted; a query word looks up its own deletions the same
// way, and two words within n edits always share one (the characters substituted, and those
// only one of them has, deleted from both). What is found is checked with the edit distance.
//
// Deletions are kept as 32-bit hashes in a flat open-addressing table (a collision only
// costs a distance check): the table takes ~16 bytes per deletion, not a string each.
// Words are only added: one no title uses any more is still found, and the caller, which
// knows which words are in use, passes it over. Words longer than MAX_LENGTH letters (their
// deletions grow with the square of the length) are neither stored nor looked up.

/** Edits allowed between two words, by the longer one's length: rising by at most one a letter, so each side's own deletions suffice. */
export function maxEdits(length: number): number {
  return length <= 2 ? 0 : length <= 5 ? 1 : 2;
}

const EMPTY = 0;
export const MAX_LENGTH = 24;

export class WordNeighbours {
  private readonly ids = new Map<string, number>();
  private readonly words: string[] = [];
  // slot → hash of a deletion, and 1 + the id of a word that has it (0: empty slot)
  private hashes = new Int32Array(1 << 10);
  private values = new Int32Array(1 << 10);
  private used = 0;
  // query scratch: a word id was seen in query number seen[id]
  private seen: number[] = [];
  private query = 0;

  get size(): number {
    return this.words.length;
  }

  add(word: string): void {
    if (word.length > MAX_LENGTH || this.ids.has(word)) return;
    const id = this.words.push(word) - 1;
    this.ids.set(word, id);
    this.seen.push(0);
    forEachDeletion(word, maxEdits(word.length), (h) => this.insert(h, id + 1));
  }

  /**
   * The added words within maxEdits of this one (by the longer's length), itself excluded,
   * in no particular order.
   */
  neighbours(word: string): string[] {
    const out: string[] = [];
    if (word.length > MAX_LENGTH) return out;
    const q = ++this.query;
    const own = this.ids.get(word);
    if (own !== undefined) this.seen[own] = q;
    const mask = this.hashes.length - 1;
    forEachDeletion(word, maxEdits(word.length), (h) => {
      for (let slot = h & mask; this.values[slot] !== EMPTY; slot = (slot + 1) & mask) {
        if (this.hashes[slot] !== h) continue;
        const id = this.values[slot]! - 1;
        if (this.seen[id] === q) continue;
        this.seen[id] = q;
        const other = this.words[id]!;
        const edits = maxEdits(Math.max(word.length, other.length));
        if (Math.abs(word.length - other.length) <= edits && distance(word, other) <= edits) out.push(other);
      }
    });
    return out;
  }

  private insert(h: number, value: number): void {
    if ((this.used + 1) * 2 > this.hashes.length) this.grow();
    const mask = this.hashes.length - 1;
    let slot = h & mask;
    for (; this.values[slot] !== EMPTY; slot = (slot + 1) & mask) {
      if (this.hashes[slot] === h && this.values[slot] === value) return; // the same deletion twice
    }
    this.hashes[slot] = h;
    this.values[slot] = value;
    this.used++;
  }

  private grow(): void {
    const { hashes, values } = this;
    this.hashes = new Int32Array(hashes.length * 2);
    this.values = new Int32Array(hashes.length * 2);
    const mask = this.hashes.length - 1;
    for (let i = 0; i < hashes.length; i++) {
      if (values[i] === EMPTY) continue;
      let slot = hashes[i]! & mask;
      while (this.values[slot] !== EMPTY) slot = (slot + 1) & mask;
      this.hashes[slot] = hashes[i]!;
      this.values[slot] = values[i]!;
    }
  }
}

/**
 * Calls back with the hash of each string the word becomes with 0 to n characters deleted
 * (n ≤ 2), without building the strings. The same string may come more than once.
 */
function forEachDeletion(word: string, n: number, each: (hash: number) => void): void {
  const length = word.length;
  each(hashWithout(word, -1, -1));
  if (n < 1) return;
  for (let i = 0; i < length; i++) {
    each(hashWithout(word, i, -1));
    if (n < 2) continue;
    for (let j = i + 1; j < length; j++) each(hashWithout(word, i, j));
  }
}

/** FNV-1a over the word's characters but those at i and j. */
function hashWithout(word: string, i: number, j: number): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < word.length; k++) {
    if (k === i || k === j) continue;
    h = Math.imul(h ^ word.charCodeAt(k), 0x01000193);
  }
  return h;
}
