import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleWork } from '../../core/schemas/index.ts';
import { TitleIndex, type TitleCandidate } from './title-index.ts';

const work = (workId: string, title: string, alternativeTitles: string[] = []) => ({
  ...sampleWork(workId),
  title,
  alternativeTitles,
});
const found = (candidates: TitleCandidate[]) =>
  candidates
    .map((c) => ({ workId: c.workId, titleSimilarity: c.titleSimilarity }))
    .sort((a, b) => b.titleSimilarity - a.titleSimilarity || (a.workId < b.workId ? -1 : 1));
const ids = (candidates: TitleCandidate[]) => found(candidates).map((c) => c.workId);

test('finds the same title, near titles through a shared word, and alternative titles', () => {
  const index = new TitleIndex();
  index.put('Y', work('Y', 'YELLOW SUBMARINE'));
  index.put('S', work('S', 'SATISFACTION', ["(I CAN'T GET NO) SATISFACTION"]));
  index.put('O', work('O', 'SOMETHING ELSE'));
  assert.deepEqual(found(index.candidates('yellow submarine', 0.6, 10)), [
    { workId: 'Y', titleSimilarity: 1 },
  ]);
  assert.deepEqual(found(index.exact('yellow submarine')), [{ workId: 'Y', titleSimilarity: 1 }]);
  assert.deepEqual(ids(index.candidates('yelow submarine', 0.6, 10)), ['Y']);
  assert.deepEqual(index.exact('yelow submarine'), []);
  // A misspelt word of a one-word title is found through the word it is near.
  assert.deepEqual(ids(index.candidates('satisfacton', 0.6, 10)), ['S']);
  // A misspelt part of a title is not (no title is "submarine").
  assert.deepEqual(index.candidates('submarin', 0.6, 10), []);
  assert.deepEqual(found(index.candidates('i cant get no satisfaction', 0.6, 10))[0], {
    workId: 'S',
    titleSimilarity: 1,
  });
  assert.deepEqual(index.candidates('nothing like it', 0.6, 10), []);
  // The candidate reads its work from the index.
  assert.equal(index.exact('something else')[0]!.work.title, 'SOMETHING ELSE');
});

test('a misspelt word is found when every word of the title is too common to search by', () => {
  const index = new TitleIndex();
  // More than MAX_POSTING (1000) titles have each word: the words narrow nothing down.
  for (let i = 0; i < 1001; i++) {
    index.put(`A${i}`, work(`A${i}`, `YELLOW NUMBER${i}`));
    index.put(`B${i}`, work(`B${i}`, `SUBMARINE NUMBER${i}`));
  }
  index.put('Y', work('Y', 'YELLOW SUBMARINE'));
  assert.deepEqual(ids(index.candidates('yelow submarine', 0.6, 10)), ['Y']);
  assert.deepEqual(ids(index.candidates('yellow submarnie', 0.6, 10)), ['Y']);
  // Two words misspelt: not found (a known limit).
  assert.deepEqual(ids(index.candidates('yelow submarnie', 0.6, 10)), []);
});

test('a changed work is found by its new title only; a deleted one not at all', () => {
  const index = new TitleIndex();
  index.put('W', work('W', 'OLD NAME'));
  index.put('W', work('W', 'NEW NAME'));
  assert.deepEqual(index.candidates('old name', 0.9, 10), []);
  assert.equal(index.candidates('new name', 0.9, 10)[0]?.workId, 'W');
  // Its old words are no longer near anything: "olde name" is not "old name" any more.
  assert.deepEqual(index.candidates('olde name', 0.8, 10), []);
  index.put('W', null);
  assert.deepEqual(index.candidates('new name', 0.5, 10), []);
  assert.deepEqual(index.candidates('new nam', 0.5, 10), []);
});

test('every work with the very same title is a candidate, beyond the limit', () => {
  const index = new TitleIndex();
  for (let i = 0; i < 30; i++) index.put(`H${i}`, work(`H${i}`, 'HOME'));
  index.put('X', work('X', 'HOMES'));
  const same = index.candidates('home', 0.6, 5);
  assert.equal(same.length, 30);
  assert.ok(same.every((c) => c.titleSimilarity === 1));
});

test('works as similar as the last one within the limit are all candidates, whatever their ids', () => {
  const index = new TitleIndex();
  for (let i = 0; i < 12; i++) index.put(`S${i}`, work(`S${i}`, 'STRAE SUMMER'));
  index.put('F', work('F', 'STRAE SUMMERS'));
  // "strasse summer" is as near to each of the twelve: all of them, not the ten first ids.
  const near = index.candidates('strasse summer', 0.6, 10);
  assert.equal(near.length, 12);
  assert.ok(near.every((c) => c.workId.startsWith('S')));
  // With the limit reached by more similar works, the less similar are left out.
  assert.deepEqual(ids(index.candidates('strae summer', 0.6, 10)).length, 12);
});
