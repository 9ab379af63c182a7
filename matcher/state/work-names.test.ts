import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleWork, type Work } from '../../core/schemas/index.ts';
import { personNames, personsSimilarity } from '../rules/similarity.ts';
import { PERFORMER, WorkNames, workPeople, WRITER, type NumberedWork } from './work-names.ts';

function work(writers: string[], performers: string[]): Work {
  return {
    ...sampleWork('W'),
    writers: writers.map((name) => ({ name, ipi: null, role: 'CA', society: null, shareBasisPoints: 0 })),
    performers,
  };
}
const numbered = (ordinal: number, w: Work): NumberedWork => ({ ordinal, people: workPeople(w) });

test("shared name words: distinct line words found among the work's, a composer's among its writers", () => {
  const names = new WorkNames();
  const w = work(['LENNON JOHN', 'MCCARTNEY PAUL'], ['THE BEATLES']);
  names.put(0, w);
  const line = (composers: string[], artists: string[]) =>
    names.lineNames(personNames(composers), personNames(artists));
  assert.equal(names.sharedNameWords(numbered(0, w), line(['John Lennon', 'Paul Smith'], [])), 3);
  assert.equal(names.sharedNameWords(numbered(0, w), line(['John Lennon'], ['The Beatles'])), 4);
  // A performer's word counts among performers only.
  assert.equal(names.sharedNameWords(numbered(0, w), line(['Beatles'], ['Lennon'])), 0);
  assert.equal(names.sharedNameWords(numbered(0, w), line(['Jane Nobody'], [])), 0);
});

test('the bound from the names alone is never below the similarity, and null exactly when it is', () => {
  const names = new WorkNames();
  const first = ['Anna', 'Tom', 'J', 'Maria', 'Henrik', 'Li'];
  const last = ['Berg', 'Whitfield', 'Ortega', 'Berge', 'Watanabe', 'Bergström-Olofsdottir-Hallgrimsson'];
  let seed = 3;
  const pick = <T>(xs: T[]) => xs[(seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % xs.length]!;
  const names4 = (n: number) => Array.from({ length: n }, () => `${pick(first)} ${pick(last)}`);
  const works: Work[] = [];
  for (let i = 0; i < 40; i++) {
    // Some with more names than the slots hold (looked at whole).
    const w = work(names4(i % 7 === 0 ? 9 : i % 3), names4(i % 2));
    works.push(w);
    names.put(i, w);
  }
  for (let j = 0; j < 200; j++) {
    const composers = personNames(names4(j % 3));
    const artists = personNames(names4((j + 1) % 3));
    const line = names.lineNames(composers, artists);
    works.forEach((w, i) => {
      const { writers, performers } = workPeople(w);
      for (const [role, mine, theirs] of [
        [WRITER, composers, writers],
        [PERFORMER, artists, performers],
      ] as const) {
        const exact = personsSimilarity(mine, theirs);
        const bound = names.peopleBound(numbered(i, w), role, line);
        assert.equal(bound === null, exact === null);
        if (exact !== null) assert.ok(bound! >= exact, `${bound} < ${exact}`);
      }
    });
  }
});

test('a work put again is numbered by its new names; one put as null has none', () => {
  const names = new WorkNames();
  names.put(0, work(['LENNON JOHN'], []));
  names.put(0, work(['PRESLEY ELVIS'], []));
  const line = names.lineNames(personNames(['John Lennon']), []);
  const now = numbered(0, work(['PRESLEY ELVIS'], []));
  assert.equal(names.sharedNameWords(now, line), 0);
  assert.ok(names.peopleBound(now, WRITER, line)! < 1);
  names.put(0, null);
  assert.equal(names.sharedNameWords(now, names.lineNames(personNames(['Elvis Presley']), [])), 0);
});
