import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distance } from 'fastest-levenshtein';
import { maxEdits, MAX_LENGTH, WordNeighbours } from './word-neighbours.ts';

const sorted = (words: string[]) => [...words].sort();

test('words one edit away, two for words of six letters or more', () => {
  const index = new WordNeighbours();
  for (const w of ['yellow', 'submarine', 'love', 'live', 'dove', 'strae', 'resund', 'me', 'my'])
    index.add(w);
  assert.deepEqual(sorted(index.neighbours('yelow')), ['yellow']);
  assert.deepEqual(sorted(index.neighbours('submarnie')), ['submarine']); // a transposition: two edits
  assert.deepEqual(sorted(index.neighbours('love')), ['dove', 'live']); // itself excluded
  assert.deepEqual(sorted(index.neighbours('strasse')), ['strae']); // seven letters: two edits
  assert.deepEqual(sorted(index.neighbours('oresund')), ['resund']);
  // By the longer word's length: "lovely" is two edits from "love", "lo" two from "love" too.
  assert.deepEqual(index.neighbours('lovely'), ['love']);
  assert.deepEqual(index.neighbours('lo'), []);
  assert.deepEqual(index.neighbours('mi'), []); // two letters: none
  assert.deepEqual(index.neighbours('x'.repeat(MAX_LENGTH + 1)), []);
});

test('every added word within maxEdits is found, and nothing else (random words)', () => {
  let seed = 7;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const word = () =>
    Array.from({ length: 2 + Math.floor(random() * 9) }, () => 'abcde'[Math.floor(random() * 5)]).join('');
  const words = [...new Set(Array.from({ length: 400 }, word))];
  const index = new WordNeighbours();
  for (const w of words) index.add(w);
  for (let i = 0; i < 200; i++) {
    const q = word();
    const expected = words.filter((w) => w !== q && distance(w, q) <= maxEdits(Math.max(w.length, q.length)));
    assert.deepEqual(sorted(index.neighbours(q)), sorted(expected), q);
  }
});
