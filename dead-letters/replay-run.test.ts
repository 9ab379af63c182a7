import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeadLetterItem } from './work-list.ts';
import { expectedResult, withOrphans } from './replay-run.ts';

const at = new Date('2026-11-22T00:00:00Z');
function item(fileId: string, lineNumber: number, extra: Partial<DeadLetterItem> = {}): DeadLetterItem {
  return {
    lineId: `${fileId}:${lineNumber}`,
    fileId,
    lineNumber,
    stage: 'validate',
    errorClass: 'INVALID_ISRC',
    message: 'bad',
    attempt: 1,
    firstFailure: at,
    lastFailure: at,
    state: 'open',
    raw: Buffer.from('x'),
    partition: 0,
    offset: '0',
    replays: 0,
    ...extra,
  };
}

test('a selected root line brings the lines it orphaned in its own file, once', () => {
  const root = item('f1', 12);
  const orphans = [item('f1', 20, { rootCauseLine: 12 }), item('f1', 21, { rootCauseLine: 12 })];
  const other = [item('f2', 20, { rootCauseLine: 12 }), item('f1', 30, { rootCauseLine: 13 })];
  const all = [root, ...orphans, ...other];
  assert.deepEqual(
    withOrphans(all, [root]).map((d) => d.lineId),
    ['f1:12', 'f1:20', 'f1:21'],
  );
  assert.deepEqual(
    withOrphans(all, [root, orphans[0]!]).map((d) => d.lineId),
    ['f1:12', 'f1:20', 'f1:21'],
  );
});

test('what a replay does: resolve, hand to the matcher, fail again, or park at max replays', () => {
  const usage = { kind: 'context', lineNumber: 1, recordType: 'AS02.03' } as const;
  const dead = {
    kind: 'dead',
    lineNumber: 1,
    bytes: Buffer.from('x'),
    byteOffset: 0,
    stage: 'validate',
    errorClass: 'INVALID_ISRC',
    message: 'bad',
  } as const;
  assert.equal(expectedResult({ item: item('f', 1), outcome: usage }, 3), 'resolved');
  assert.equal(expectedResult({ item: item('f', 1, { stage: 'match' }) }, 3), 'replayed');
  assert.equal(expectedResult({ item: item('f', 1, { replays: 1 }), outcome: dead }, 3), 'failed-again');
  assert.equal(expectedResult({ item: item('f', 1, { replays: 2 }), outcome: dead }, 3), 'parked');
  assert.equal(expectedResult({ item: item('f', 1), outcome: dead }, 1), 'parked');
});
