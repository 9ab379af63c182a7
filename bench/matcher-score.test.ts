import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MatchTruthLine } from '../fixtures/index.ts';
import { scoreDecisions } from './matcher-score.ts';

const truth: MatchTruthLine[] = [
  { lineNumber: 1, rule: 'ISRC_LINK', expectedWorkId: 'A', nearWorkId: null },
  { lineNumber: 2, rule: 'ISRC_LINK', expectedWorkId: 'B', nearWorkId: null },
  { lineNumber: 3, rule: 'ISWC', expectedWorkId: 'C', nearWorkId: null },
  { lineNumber: 4, rule: 'TITLE_SIMILARITY', expectedWorkId: 'D', nearWorkId: null },
  { lineNumber: 5, rule: 'NEAR_MISS', expectedWorkId: null, nearWorkId: 'D' },
  { lineNumber: 6, rule: 'UNMATCHED', expectedWorkId: null, nearWorkId: null },
];

test('precision per matching rule, recall per truth class (by any rule), false matches of lines that must stay unmatched', () => {
  const s = scoreDecisions(truth, [
    { lineNumber: 1, workId: 'A', method: 'ISRC_LINK' },
    { lineNumber: 2, workId: 'X', method: 'ISRC_LINK' },
    { lineNumber: 3, workId: 'C', method: 'ISRC_LINK' },
    { lineNumber: 4, workId: null, method: null },
    { lineNumber: 5, workId: 'D', method: 'TITLE_SIMILARITY' },
    { lineNumber: 6, workId: null, method: null },
    { lineNumber: 6, workId: null, method: null },
  ]);
  assert.deepEqual(s.byRule.ISRC_LINK, {
    expected: 2,
    matched: 3,
    correct: 2,
    precision: 2 / 3,
    found: 1,
    recall: 0.5,
  });
  assert.deepEqual(s.byRule.ISWC, {
    expected: 1,
    matched: 0,
    correct: 0,
    precision: null,
    found: 1,
    recall: 1,
  });
  assert.deepEqual(s.byRule.TITLE_SIMILARITY, {
    expected: 1,
    matched: 1,
    correct: 0,
    precision: 0,
    found: 0,
    recall: 0,
  });
  assert.equal(s.nearMissFalseMatches, 1);
  assert.equal(s.unmatchedFalseMatches, 0);
  assert.equal(s.decided, 6);
  assert.equal(s.duplicates, 1);
});

test('a decision on a line the truth does not know is an error', () => {
  assert.throws(() => scoreDecisions(truth, [{ lineNumber: 99, workId: null, method: null }]), /line 99/);
});
