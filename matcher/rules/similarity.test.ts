import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nameTokens, splitCredit } from './normalise.ts';
import {
  differentNamesBound,
  nameSimilarity,
  peopleSimilarity,
  personName,
  personNames,
  personSimilarity,
  personsSimilarity,
  stringSimilarity,
} from './similarity.ts';

test('string similarity is 1 − edit distance over the longer length', () => {
  assert.equal(stringSimilarity('yesterday', 'yesterday'), 1);
  assert.equal(stringSimilarity('yesterday', 'yesterdy'), 1 - 1 / 9);
  assert.equal(stringSimilarity('', ''), 1);
  assert.equal(stringSimilarity('abc', ''), 0);
});

test('names: order, extra middle names and initials', () => {
  assert.equal(nameSimilarity('LENNON JOHN', 'John Lennon'), 1);
  assert.equal(nameSimilarity('LENNON JOHN WINSTON', 'John Lennon'), 0.95);
  assert.equal(nameSimilarity('J. Lennon', 'John Lennon'), 0.95);
  assert.ok(nameSimilarity('Paul McCartney', 'John Lennon') < 0.5);
  // An initial alone says little.
  assert.ok(nameSimilarity('J', 'John Lennon') < 0.5);
});

test('people: every person of the line scored against the best of the work, averaged', () => {
  assert.equal(peopleSimilarity(['John Lennon', 'Paul McCartney'], ['MCCARTNEY PAUL', 'LENNON JOHN']), 1);
  const half = peopleSimilarity(['John Lennon', 'Jane Nobody'], ['LENNON JOHN'])!;
  assert.ok(half > 0.5 && half < 0.8, String(half));
  assert.equal(peopleSimilarity([], ['LENNON JOHN']), null);
  assert.equal(peopleSimilarity(['John Lennon'], []), null);
  assert.equal(peopleSimilarity(['Calvin Harris feat. Rihanna'], ['RIHANNA', 'CALVIN HARRIS']), 1);
});

// The definitions as first written (every edit distance worked out): what the faster code
// must still give, to the last bit.
function referenceName(a: string, b: string): number {
  const ta = nameTokens(a);
  const tb = nameTokens(b);
  if (ta.length === 0 || tb.length === 0) return 0;
  const whole = stringSimilarity(ta.join(' '), tb.join(' '));
  const [short, long] = ta.length <= tb.length ? [ta, tb] : [tb, ta];
  if (short.every((t) => t.length === 1)) return whole;
  const token = (x: string, y: string) =>
    x.length === 1 || y.length === 1 ? (x[0] === y[0] ? 1 : 0) : stringSimilarity(x, y);
  let sum = 0;
  for (const t of short) sum += Math.max(...long.map((u) => token(t, u)));
  return Math.max(whole, 0.95 * (sum / short.length));
}
function referencePeople(left: string[], right: string[]): number | null {
  const l = left.flatMap(splitCredit);
  const r = right.flatMap(splitCredit);
  if (l.length === 0 || r.length === 0) return null;
  let sum = 0;
  for (const p of l) sum += Math.max(...r.map((q) => referenceName(p, q)));
  return sum / l.length;
}

test('the same similarities as the definitions, and bounds never below them (random names)', () => {
  const parts = [
    'Anna',
    'Ann',
    'J',
    'John',
    'Jon',
    'Lennon',
    'Lenon',
    'Berg',
    'Bergen',
    'Ortega',
    'Ørsted',
    'Mc',
    'Cartney',
    'Zoë',
  ];
  let seed = 11;
  const pick = () => parts[(seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % parts.length]!;
  const name = () => Array.from({ length: 1 + (seed % 3) }, pick).join(' ');
  const names = (n: number) => Array.from({ length: n }, name);
  for (let i = 0; i < 2000; i++) {
    const a = name();
    const b = name();
    const exact = nameSimilarity(a, b);
    assert.equal(exact, referenceName(a, b), `${a} / ${b}`);
    assert.ok(personSimilarity(personName(a), personName(b), true) >= exact, `${a} / ${b}`);
    if (personName(a).whole !== personName(b).whole) {
      const longer = Math.max(personName(a).whole.length, personName(b).whole.length);
      assert.ok(differentNamesBound(longer) >= exact, `${a} / ${b}`);
    }
    const left = names(i % 3);
    const right = names((i >> 1) % 4);
    const people = peopleSimilarity(left, right);
    assert.equal(people, referencePeople(left, right));
    const bound = personsSimilarity(personNames(left), personNames(right), true);
    assert.equal(bound === null, people === null);
    if (people !== null) assert.ok(bound! >= people);
  }
});
