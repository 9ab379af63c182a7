import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeadLetterItem } from './work-list.ts';
import { RESEND_COLUMNS, resendRequest } from './resend-request.ts';

const at = new Date('2026-11-22T00:00:00Z');
function item(
  lineNumber: number,
  errorClass: string,
  raw: string,
  extra: Partial<DeadLetterItem> = {},
): DeadLetterItem {
  return {
    lineId: `f1:${lineNumber}`,
    fileId: 'f1',
    lineNumber,
    stage: 'validate',
    errorClass,
    message: `bad\tline ${lineNumber}\nsecond line`,
    attempt: 1,
    firstFailure: at,
    lastFailure: at,
    state: 'open',
    raw: Buffer.from(raw),
    partition: 0,
    offset: '0',
    replays: 0,
    ...extra,
  };
}

test('one TSV row per dead line, in line order, with the CDM-style columns', () => {
  const { tsv, summary } = resendRequest(
    {
      fileId: 'f1',
      fileName: 'DSR_A_B_C_2020-06_GB_1of1_20200703T075930.tsv',
      sender: 'B',
      messageId: 'M-1',
    },
    [
      item(20, 'ORPHANED', 'SU02.02\t1\tS1\tST-20\t\tR1', {
        recordType: 'SU02.02',
        cell: 'TransactedResource',
      }),
      item(12, 'INVALID_ISRC', 'AS02.03\t1\tR1\tD1\tXX12', { recordType: 'AS02.03', cell: 'ISRC' }),
    ],
    at,
  );
  const rows = tsv
    .trimEnd()
    .split('\n')
    .map((l) => l.split('\t'));
  assert.deepEqual(rows[0], [...RESEND_COLUMNS]);
  assert.equal(rows.length, 3);
  assert.deepEqual(rows[1]!.slice(0, 7), [
    'DSR_A_B_C_2020-06_GB_1of1_20200703T075930.tsv',
    'M-1',
    '12',
    'AS02.03',
    '',
    'ISRC',
    'INVALID_ISRC',
  ]);
  assert.deepEqual(rows[2]!.slice(2, 7), ['20', 'SU02.02', 'ST-20', 'TransactedResource', 'ORPHANED']);
  assert.equal(
    rows[1]![7],
    'bad line 12 second line',
    'tabs and line breaks in a reason do not break the TSV',
  );
  assert.match(summary, /2 line\(s\) of this report/);
  assert.match(summary, /1 of them \(ORPHANED\)/);
  assert.match(summary, /MessageId M-1/);
});
