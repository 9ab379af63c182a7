import { distance } from 'fastest-levenshtein';
import { nameTokens, splitCredit } from './normalise.ts';

// Similarities in [0, 1] for rule 3, over normalised text (normalise.ts).

/** 1 − Levenshtein distance / length of the longer string. */
export function stringSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const longer = Math.max(a.length, b.length);
  return longer === 0 ? 1 : 1 - distance(a, b) / longer;
}

function tokenSimilarity(a: string, b: string): number {
  // An initial matches the name it abbreviates: "J" ~ "john".
  if (a.length === 1 || b.length === 1) return a[0] === b[0] ? 1 : 0;
  return stringSimilarity(a, b);
}

/**
 * Two person names: the better of the whole sorted names compared and each token of the
 * shorter name found in the longer one (so "John Lennon" ~ "LENNON JOHN WINSTON" and
 * "J. Lennon" ~ "John Lennon"); the token match counts a little less than a whole match.
 */
export function nameSimilarity(a: string, b: string): number {
  const ta = nameTokens(a);
  const tb = nameTokens(b);
  if (ta.length === 0 || tb.length === 0) return 0;
  const whole = stringSimilarity(ta.join(' '), tb.join(' '));
  const [short, long] = ta.length <= tb.length ? [ta, tb] : [tb, ta];
  // A single initial says too little on its own.
  if (short.every((t) => t.length === 1)) return whole;
  let sum = 0;
  for (const t of short) sum += Math.max(...long.map((u) => tokenSimilarity(t, u)));
  return Math.max(whole, 0.95 * (sum / short.length));
}

/**
 * How well the people of a line (composers, or display artists) are found among a work's
 * (writers, or performers): each person of the line is scored against the best of the
 * work's, and the scores are averaged. Null when either side names nobody.
 */
export function peopleSimilarity(linePeople: string[], workPeople: string[]): number | null {
  const left = linePeople.flatMap(splitCredit);
  const right = workPeople.flatMap(splitCredit);
  if (left.length === 0 || right.length === 0) return null;
  let sum = 0;
  for (const p of left) sum += Math.max(...right.map((q) => nameSimilarity(p, q)));
  return sum / left.length;
}
