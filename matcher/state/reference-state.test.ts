import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleWork, type Link, type Work } from '../../core/schemas/index.ts';
import { ReferenceState } from './reference-state.ts';

/** A copy of the string, as a record decoded from Avro brings its own. */
const copy = (s: string) => Buffer.from(s).toString();

function decodedWork(id: string, iswc: string | null): Work {
  const w = sampleWork(copy(id));
  return {
    ...w,
    iswc: iswc && copy(iswc),
    source: copy(w.source),
    writers: w.writers.map((x) => ({
      ...x,
      role: x.role && copy(x.role),
      society: x.society && copy(x.society),
    })),
  };
}

test('works and links put hold equal values, sharing their repeated strings and Dates', () => {
  const s = new ReferenceState();
  s.putWork(copy('W1'), decodedWork('W1', 'T0345246801'));
  s.putWork(copy('W2'), decodedWork('W2', 'T1234567894'));
  const w1 = s.works.get('W1')!;
  const w2 = s.works.get('W2')!;
  assert.deepEqual(w1, decodedWork('W1', 'T0345246801'));
  assert.equal(w1.source, w2.source);
  const link = (): Link => ({
    workId: copy('W1'),
    iswc: copy('T0345246801'),
    title: copy(w1.title),
    source: copy('cwr'),
    assertedAt: new Date(Date.UTC(2026, 0, 1)),
  });
  s.putRecording('A', [link()]);
  s.putRecording('B', [link()]);
  const [a, b] = [s.recordings.get('A')![0]!, s.recordings.get('B')![0]!];
  assert.deepEqual(a, link());
  assert.equal(a.assertedAt, b.assertedAt);
  assert.equal(a.source, b.source);
  s.putRecording('A', null);
  assert.equal(s.recordings.has('A'), false);
});

test('the ISWC index follows works put, replaced and deleted', () => {
  const s = new ReferenceState();
  const iswc = 'T0345246801';
  s.putWork('B', decodedWork('B', iswc));
  assert.deepEqual(
    s.worksWithIswc(iswc).map((w) => w.workId),
    ['B'],
  );
  assert.equal(s.firstWorkWithIswc(iswc)?.workId, 'B');
  s.putWork('A', decodedWork('A', iswc));
  s.putWork('C', decodedWork('C', iswc));
  assert.deepEqual(
    s.worksWithIswc(iswc).map((w) => w.workId),
    ['A', 'B', 'C'],
  );
  assert.equal(s.firstWorkWithIswc(iswc)?.workId, 'A');
  s.putWork('A', null);
  s.putWork('C', decodedWork('C', 'T1234567894'));
  assert.deepEqual(
    s.worksWithIswc(iswc).map((w) => w.workId),
    ['B'],
  );
  assert.equal(s.firstWorkWithIswc('T1234567894')?.workId, 'C');
  s.putWork('B', decodedWork('B', iswc));
  assert.equal(s.firstWorkWithIswc(iswc)?.workId, 'B');
  s.putWork('B', null);
  assert.deepEqual(s.worksWithIswc(iswc), []);
  assert.equal(s.firstWorkWithIswc(iswc), null);
});
