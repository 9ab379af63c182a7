import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleWork } from '../../core/schemas/samples.ts';
import { TitleIndex } from './title-index.ts';

const work = (workId: string, title: string, alternativeTitles: string[] = []) => ({
  ...sampleWork(workId),
  title,
  alternativeTitles,
});

test('finds the same title, near titles through a shared word, and alternative titles', () => {
  const index = new TitleIndex();
  index.put('Y', work('Y', 'YELLOW SUBMARINE'));
  index.put('S', work('S', 'SATISFACTION', ["(I CAN'T GET NO) SATISFACTION"]));
  index.put('O', work('O', 'SOMETHING ELSE'));
  assert.deepEqual(index.candidates('yellow submarine', 0.6, 10), [{ workId: 'Y', titleSimilarity: 1 }]);
  assert.deepEqual(index.exact('yellow submarine'), [{ workId: 'Y', titleSimilarity: 1 }]);
  assert.deepEqual(
    index.candidates('yelow submarine', 0.6, 10).map((c) => c.workId),
    ['Y'],
  );
  assert.deepEqual(index.exact('yelow submarine'), []);
  // One misspelt word alone shares nothing with the index: not found (a known limit).
  assert.deepEqual(index.candidates('submarin', 0.6, 10), []);
  assert.deepEqual(index.candidates('i cant get no satisfaction', 0.6, 10)[0], {
    workId: 'S',
    titleSimilarity: 1,
  });
  assert.deepEqual(index.candidates('nothing like it', 0.6, 10), []);
});

test('a changed work is found by its new title only; a deleted one not at all', () => {
  const index = new TitleIndex();
  index.put('W', work('W', 'OLD NAME'));
  index.put('W', work('W', 'NEW NAME'));
  assert.deepEqual(index.candidates('old name', 0.9, 10), []);
  assert.equal(index.candidates('new name', 0.9, 10)[0]?.workId, 'W');
  index.put('W', null);
  assert.deepEqual(index.candidates('new name', 0.5, 10), []);
});

test('every work with the very same title is a candidate, beyond the limit', () => {
  const index = new TitleIndex();
  for (let i = 0; i < 30; i++) index.put(`H${i}`, work(`H${i}`, 'HOME'));
  index.put('X', work('X', 'HOMES'));
  const found = index.candidates('home', 0.6, 5);
  assert.equal(found.length, 30);
  assert.ok(found.every((c) => c.titleSimilarity === 1));
});
