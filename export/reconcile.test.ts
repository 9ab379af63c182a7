import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { sampleMatchedUsage, sampleUsageLine } from '../core/schemas/index.ts';
import { compareWithLegacy } from './reconcile.ts';
import { InputBuilder } from './sources.ts';

function input(b = new InputBuilder(), fileId = 'F1', currency = 'GBP'): InputBuilder {
  [
    [1, 'W1', 10],
    [2, 'W1', 5],
    [3, 'W2', 5],
  ].forEach(([n, workId, usages], i) => {
    const line = {
      ...sampleUsageLine(fileId, n as number),
      usages: usages as number,
      summary: {
        summaryRecordId: 'S1',
        recordType: 'SY01.02',
        commercialModel: null,
        useType: null,
        territory: 'GB',
        currency,
        netRevenue: '20.00',
        totalUsages: 20,
        lineNumber: 2,
      },
    };
    b.addMatched({ ...sampleMatchedUsage(), lineId: line.lineId, fileId, line, workId: workId as string }, [
      0,
      i,
      0,
      i,
    ]);
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

test('reconcile --against compares per work and currency, never adding GBP to EUR', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'legacy-'));
  const csv = path.join(dir, 'legacy.csv');
  const two = () => input(input(), 'F2', 'EUR');
  // Ours: W1 15 usages 15.00 GBP and 15 usages 15.00 EUR; W2 5 / 5.00 in each.
  writeFileSync(csv, 'W1,15,15.00,GBP\nW2,5,5.00,GBP\nW1,15,15.00,EUR\nW2,5,5.00,EUR\n');
  assert.deepEqual((await compareWithLegacy(csv, two(), '2020-06')).differences, []);
  writeFileSync(csv, 'W1,30,30.00,GBP\nW2,10,10.00,GBP\n');
  assert.deepEqual(
    (await compareWithLegacy(csv, two(), '2020-06')).differences.map((d) => [d.workId, d.currency, d.what]),
    [
      ['W1', 'EUR', 'only in tallyline'],
      ['W1', 'GBP', 'usage -15, amount -15.00'],
      ['W2', 'EUR', 'only in tallyline'],
      ['W2', 'GBP', 'usage -5, amount -5.00'],
    ],
  );
  writeFileSync(csv, 'W1,15,15.00\nW2,5,5.00\n');
  await assert.rejects(compareWithLegacy(csv, two(), '2020-06'), /line 1, cell 4: .*EUR, GBP.*--currency/);
  const r = await compareWithLegacy(csv, two(), '2020-06', { currency: 'EUR' });
  assert.deepEqual(
    r.differences.map((d) => [d.workId, d.currency, d.what]),
    [
      ['W1', 'GBP', 'only in tallyline'],
      ['W2', 'GBP', 'only in tallyline'],
    ],
  );
  writeFileSync(csv, 'W1,15,15.00,EURO\n');
  await assert.rejects(compareWithLegacy(csv, two(), '2020-06'), /line 1, cell 4: currency "EURO"/);
});
