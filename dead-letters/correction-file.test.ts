import assert from 'node:assert/strict';
import { test } from 'node:test';
import { correctionFile, parseCorrectionFile } from './correction-file.ts';

const lines = (b: Buffer) =>
  b
    .toString('utf8')
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => Buffer.from(l));

test('a corrected line keeps its tabs; written and read back the same', () => {
  const file = correctionFile([
    { originalFileName: 'DSR_A.tsv', lineNumber: 7, correctedLine: 'SU03\tS1\tR1\t12' },
    { originalFileName: 'DSR_A.tsv', lineNumber: 9, correctedLine: 'SR\tR2\tUSRC17607839' },
  ]);
  const { rows, errors } = parseCorrectionFile(lines(file));
  assert.deepEqual(errors, []);
  assert.deepEqual(
    rows.map((r) => [r.row, r.originalFileName, r.lineNumber, r.correctedLine.toString()]),
    [
      [2, 'DSR_A.tsv', 7, 'SU03\tS1\tR1\t12'],
      [3, 'DSR_A.tsv', 9, 'SR\tR2\tUSRC17607839'],
    ],
  );
});

test('an answered re-send request (extra columns, CorrectedLine last) is read', () => {
  const header = 'OriginalFileName\tMessageId\tLineNumber\tReason\tFileId\tCorrectedLine';
  const row = 'DSR_A.tsv\tM1\t12\tbad ISRC\tabc\tSR\tR1\tUSRC17607839';
  const { rows, errors } = parseCorrectionFile([Buffer.from(header), Buffer.from(row)]);
  assert.deepEqual(errors, []);
  assert.equal(rows[0]!.fileId, 'abc');
  assert.equal(rows[0]!.lineNumber, 12);
  assert.equal(rows[0]!.correctedLine.toString(), 'SR\tR1\tUSRC17607839');
});

test('faults are named by row and cell, and no row is taken from a faulty file', () => {
  const bad = parseCorrectionFile(
    [
      'OriginalFileName\tLineNumber\tCorrectedLine',
      'DSR_A.tsv\tx\tSU',
      'DSR_A.tsv\t4\t',
      'DSR_A.tsv\t5\tA',
      'DSR_A.tsv\t5\tB',
    ].map((l) => Buffer.from(l)),
  );
  assert.deepEqual(bad.rows, []);
  assert.deepEqual(
    bad.errors.map((e) => [e.row, e.cell]),
    [
      [2, 'LineNumber'],
      [3, 'CorrectedLine'],
      [5, 'LineNumber'],
    ],
  );
  const header = parseCorrectionFile([Buffer.from('OriginalFileName\tCorrectedLine\tLineNumber')]);
  assert.deepEqual(
    header.errors.map((e) => e.cell),
    ['CorrectedLine'],
  );
  assert.deepEqual(
    parseCorrectionFile([Buffer.from('File\tLine')]).errors.map((e) => e.cell),
    ['OriginalFileName', 'LineNumber', 'CorrectedLine'],
  );
});
