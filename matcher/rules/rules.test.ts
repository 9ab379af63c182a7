import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleUsageLine, sampleWork } from '../../core/schemas/samples.ts';
import { ReferenceState } from '../state/reference-state.ts';
import { matchLine, rankLinks } from './rules.ts';

const t = (d: string) => new Date(d);
function state() {
  const s = new ReferenceState();
  s.putWork('W1', { ...sampleWork('W1'), iswc: 'T0345246801' });
  s.putWork('W2', { ...sampleWork('W2'), iswc: 'T1234567894', title: 'OTHER' });
  s.putRecording('GBAHT0900445', [
    { workId: 'W2', iswc: null, title: null, source: 'publisher', assertedAt: t('2026-01-02') },
    { workId: 'W1', iswc: null, title: null, source: 'society', assertedAt: t('2026-01-01') },
  ]);
  return s;
}

test('rule 1: the ISRC link of the most trusted source decides', () => {
  const line = sampleUsageLine();
  const bySociety = matchLine(line, state(), ['society', 'publisher']);
  assert.deepEqual(
    bySociety.kind === 'matched' && [bySociety.work.workId, bySociety.method, bySociety.linkSource],
    ['W1', 'ISRC_LINK', 'society'],
  );
  const byPublisher = matchLine(line, state(), ['publisher']);
  assert.equal(byPublisher.kind === 'matched' && byPublisher.work.workId, 'W2');
  // No priority given: the newest assertion wins.
  assert.equal(rankLinks(state().recordings.get('GBAHT0900445')!, [])[0]!.source, 'publisher');
});

test('rule 2: an ISWC in the line, when no link decides', () => {
  const line = sampleUsageLine();
  line.resources[0]!.isrc = 'USRC17607839';
  line.resources[0]!.iswc = 'T1234567894';
  const r = matchLine(line, state(), []);
  assert.deepEqual(r.kind === 'matched' && [r.work.workId, r.method, r.linkSource], ['W2', 'ISWC', null]);
});

test('unmatched lines say which rules were tried and why each did not decide', () => {
  const line = sampleUsageLine();
  line.resources[0]!.isrc = 'USRC17607839';
  line.resources[0]!.iswc = null;
  const r = matchLine(line, state(), []);
  assert.equal(r.kind, 'unmatched');
  assert.deepEqual(r.kind === 'unmatched' && r.rulesTried, ['ISRC_LINK', 'ISWC']);
  assert.match(r.kind === 'unmatched' ? r.reason : '', /ISRC USRC17607839: no link; no ISWC/);
});

test('a tombstone removes a work and its ISWC entry', () => {
  const s = state();
  s.putWork('W2', null);
  assert.deepEqual(s.worksWithIswc('T1234567894'), []);
  const line = sampleUsageLine();
  assert.equal(
    matchLine(line, s, ['publisher']).kind === 'matched' &&
      (matchLine(line, s, ['publisher']) as { work: { workId: string } }).work.workId,
    'W1',
  );
});
