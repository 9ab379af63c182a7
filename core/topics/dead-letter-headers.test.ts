import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deadLetterHeaders, parseDeadLetterHeaders, type DeadLetter } from './dead-letter-headers.ts';

test('dead-letter headers round-trip, optional ones included', () => {
  const d: DeadLetter = {
    lineId: 'abc:12',
    fileId: 'abc',
    lineNumber: 12,
    stage: 'validate',
    errorClass: 'INVALID_ISRC',
    message: 'ISRC "XX12" is not 2 letters + 3 alphanumerics + 7 digits',
    sender: 'S1',
    fileName: 'DSR_x.tsv',
    recordType: 'AS02.03',
    cell: 'ISRC',
    byteOffset: 4096,
    source: { topic: 'usage.lines', partition: 3, offset: '77' },
    attempt: 1,
    firstFailure: new Date('2026-11-22T01:00:00Z'),
    lastFailure: new Date('2026-11-22T01:00:00Z'),
  };
  const headers = deadLetterHeaders(d);
  assert.equal(headers['tallyline.cell'], 'ISRC');
  assert.equal(headers['tallyline.root.cause.line'], undefined, 'absent optional headers are not written');
  const back = parseDeadLetterHeaders(
    Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
  );
  assert.deepEqual(back, d);
});

test('a record without its required headers is named', () => {
  assert.throws(() => parseDeadLetterHeaders({ 'tallyline.line.id': 'x' }), /tallyline\.file\.id/);
});
