import { distance } from 'fastest-levenshtein';
import { nameTokens, splitCredit } from './normalise.ts';

// Similarities in [0, 1] for rule 3, over normalised text (normalise.ts), and upper bounds
// of them that cost no edit distance: rule 3 scores exactly only the candidates whose bound
// could still decide (rules.ts).

/** 1 − Levenshtein distance / length of the longer string. */
export function stringSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const longer = Math.max(a.length, b.length);
  return longer === 0 ? 1 : 1 - distance(a, b) / longer;
}

/**
 * Which characters a string has, one bit each (several characters may share a bit): every
 * character of one string whose bit the other lacks costs an edit.
 */
export function charMask(s: string): number {
  let mask = 0;
  for (let i = 0; i < s.length; i++) mask |= 1 << (s.charCodeAt(i) % 31);
  return mask;
}

function bitCount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) as number;
}

/** An upper bound of stringSimilarity from the lengths and the character masks alone. */
function stringSimilarityBound(a: string, aMask: number, b: string, bMask: number): number {
  if (a === b) return 1;
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 1;
  const edits = Math.max(Math.abs(a.length - b.length), bitCount(aMask & ~bMask), bitCount(bMask & ~aMask));
  return 1 - edits / longer;
}

function tokenSimilarity(a: string, b: string): number {
  // An initial matches the name it abbreviates: "J" ~ "john".
  if (a.length === 1 || b.length === 1) return a[0] === b[0] ? 1 : 0;
  return stringSimilarity(a, b);
}

/**
 * A person's name as it is compared, worked out once: rule 3 compares the same line's
 * people with many works, and the same work's people with many lines.
 */
export interface PersonName {
  /** nameTokens: folded, sorted */
  tokens: string[];
  /** the tokens joined by spaces */
  whole: string;
  /** every token an initial ("J") */
  initialsOnly: boolean;
  /** charMask of whole, and of each token */
  wholeMask: number;
  tokenMasks: number[];
}

export function personName(name: string): PersonName {
  const tokens = nameTokens(name);
  const whole = tokens.join(' ');
  return {
    tokens,
    whole,
    initialsOnly: tokens.every((t) => t.length === 1),
    wholeMask: charMask(whole),
    tokenMasks: tokens.map(charMask),
  };
}

// The same credits come back on line after line and work after work: their people are
// kept, up to a bound.
const peopleOfCredit = new Map<string, PersonName[]>();
const CREDITS_KEPT = 100_000;

/** The people of a list of credits, each credit split ("A feat. B" is two people). */
export function personNames(credits: readonly string[]): PersonName[] {
  if (credits.length === 1) return creditPeople(credits[0]!);
  const out: PersonName[] = [];
  for (const credit of credits) for (const p of creditPeople(credit)) out.push(p);
  return out;
}

/** The people of one credit; the array is shared: not to be changed. */
function creditPeople(credit: string): PersonName[] {
  let people = peopleOfCredit.get(credit);
  if (!people) {
    if (peopleOfCredit.size >= CREDITS_KEPT) peopleOfCredit.clear();
    people = splitCredit(credit).map(personName);
    peopleOfCredit.set(credit, people);
  }
  return people;
}

/**
 * Two person names: the better of the whole sorted names compared and each token of the
 * shorter name found in the longer one (so "John Lennon" ~ "LENNON JOHN WINSTON" and
 * "J. Lennon" ~ "John Lennon"); the token match counts a little less than a whole match.
 */
export function nameSimilarity(a: string, b: string): number {
  return personSimilarity(personName(a), personName(b));
}

/**
 * nameSimilarity of names already worked out; with bound, an upper bound of it instead, from
 * the lengths and character masks, without an edit distance.
 */
export function personSimilarity(a: PersonName, b: PersonName, bound = false): number {
  if (a.tokens.length === 0 || b.tokens.length === 0) return 0;
  // The same tokens: 1, which the token match (at most 0.95) cannot beat.
  if (a.whole === b.whole) return 1;
  const [short, long] = a.tokens.length <= b.tokens.length ? [a, b] : [b, a];
  // A single initial says too little on its own.
  if (short.initialsOnly) {
    return bound
      ? stringSimilarityBound(a.whole, a.wholeMask, b.whole, b.wholeMask)
      : stringSimilarity(a.whole, b.whole);
  }
  let sum = 0;
  for (let i = 0; i < short.tokens.length; i++) {
    const t = short.tokens[i]!;
    let best = -Infinity;
    for (let j = 0; j < long.tokens.length && best < 1; j++) {
      const u = long.tokens[j]!;
      if (t.length === 1 || u.length === 1) {
        best = Math.max(best, tokenSimilarity(t, u));
        continue;
      }
      const most = stringSimilarityBound(t, short.tokenMasks[i]!, u, long.tokenMasks[j]!);
      // No edit distance where even the bound cannot beat the best so far.
      if (most > best) best = bound ? most : Math.max(best, stringSimilarity(t, u));
    }
    sum += best;
  }
  const tokens = 0.95 * (sum / short.tokens.length);
  // The whole names can only raise the result when their bound is above the token match.
  const wholeBound = stringSimilarityBound(a.whole, a.wholeMask, b.whole, b.wholeMask);
  if (bound || wholeBound <= tokens) return Math.max(wholeBound, tokens);
  return Math.max(stringSimilarity(a.whole, b.whole), tokens);
}

/**
 * An upper bound of personSimilarity of two names that are not the same, the longer
 * `length` characters long: their token match is at most 0.95, and their whole names are
 * an edit apart at least.
 */
export function differentNamesBound(length: number): number {
  return Math.max(0.95, 1 - 1 / length);
}

/**
 * How well the people of a line (composers, or display artists) are found among a work's
 * (writers, or performers): each person of the line is scored against the best of the
 * work's, and the scores are averaged. Null when either side names nobody.
 */
export function peopleSimilarity(linePeople: string[], workPeople: string[]): number | null {
  return personsSimilarity(personNames(linePeople), personNames(workPeople));
}

/** peopleSimilarity of names already worked out; with bound, an upper bound of it instead. */
export function personsSimilarity(left: PersonName[], right: PersonName[], bound = false): number | null {
  if (left.length === 0 || right.length === 0) return null;
  let sum = 0;
  for (const p of left) {
    // The same name among the work's: 1, nothing scores higher.
    let best = right.some((q) => q.whole === p.whole && p.tokens.length > 0) ? 1 : -Infinity;
    for (let i = 0; i < right.length && best < 1; i++)
      best = Math.max(best, personSimilarity(p, right[i]!, bound));
    sum += best;
  }
  return sum / left.length;
}
