import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nameSimilarity, peopleSimilarity, stringSimilarity } from './similarity.ts';

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
