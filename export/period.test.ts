import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { refuseOverlap } from './outbox.ts';
import { overlappingPeriods } from './period.ts';

test('a month overlaps its quarter, a quarter its three months', () => {
  assert.deepEqual(overlappingPeriods('2026-11'), ['2026-Q4']);
  assert.deepEqual(overlappingPeriods('2026-01'), ['2026-Q1']);
  assert.deepEqual(overlappingPeriods('2026-Q4'), ['2026-10', '2026-11', '2026-12']);
});

test('a quarter is refused once one of its months is in the outbox, and a month once its quarter is', async () => {
  const outbox = mkdtempSync(path.join(tmpdir(), 'outbox-'));
  await refuseOverlap(outbox, '2026-Q4');
  mkdirSync(path.join(outbox, '2026-11'));
  writeFileSync(path.join(outbox, '2026-11', 'manifest.json'), '{"period":"2026-11","files":[]}');
  await assert.rejects(refuseOverlap(outbox, '2026-Q4'), {
    code: 'PERIOD_ALREADY_EXPORTED',
    message: /cannot export 2026-Q4: 2026-11 has been exported already/,
  });
  await refuseOverlap(outbox, '2026-11');
  await refuseOverlap(outbox, '2026-Q3');
  // A quarter run killed before its manifest still left files: they count.
  mkdirSync(path.join(outbox, '2026-Q1', 'claims'), { recursive: true });
  writeFileSync(path.join(outbox, '2026-Q1', 'claims', 'X_F1.tsv'), '');
  await assert.rejects(refuseOverlap(outbox, '2026-02'), /2026-Q1 has been exported already/);
});
