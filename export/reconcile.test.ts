import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { sampleMatchedUsage, sampleUsageLine } from '../core/schemas/samples.ts';
import { compareWithLegacy } from './reconcile.ts';
import { InputBuilder } from './sources.ts';

function input(): InputBuilder {
  const b = new InputBuilder();
  [
    [1, 'W1', 10],
    [2, 'W1', 5],
    [3, 'W2', 5],
  ].forEach(([n, workId, usages], i) => {
    const line = {
      ...sampleUsageLine('F1', n as number),
      usages: usages as number,
      summary: {
        summaryRecordId: 'S1',
        recordType: 'SY01.02',
        commercialModel: null,
        useType: null,
        territory: 'GB',
        currency: 'GBP',
        netRevenue: '20.00',
        totalUsages: 20,
        lineNumber: 2,
      },
    };
    b.addMatched(
      { ...sampleMatchedUsage(), lineId: line.lineId, fileId: 'F1', line, workId: workId as string },
      [0, i, 0, i],
    );
  });
  return b;
}

test('reconcile --against lists each work whose usage or amount differs, or that only one side has', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'legacy-'));
  const csv = path.join(dir, 'legacy.csv');
  writeFileSync(csv, 'work id;usage;amount\nW1;15;15.00\nW2;5;4.99\nW9;1;0.10\n');
  const r = await compareWithLegacy(csv, input(), '2020-06');
  assert.deepEqual(
    r.differences.map((d) => [d.workId, d.what]),
    [
      ['W2', 'amount +0.01'],
      ['W9', 'only in legacy'],
    ],
  );
  writeFileSync(csv, 'W1,15,15.00\nW2,5,5.00\n');
  assert.deepEqual((await compareWithLegacy(csv, input(), '2020-06')).differences, []);
  writeFileSync(csv, 'W1,15,15.00\nW2,five,5.00\n');
  await assert.rejects(compareWithLegacy(csv, input(), '2020-06'), /line 2, cell 2/);
});
