import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleUsageLine, type MatchedUsage, type UsageLine } from '../core/schemas/index.ts';
import { moneyGap } from './accounting.ts';
import { computeExport } from './compute.ts';
import { exportFiles } from './files.ts';
import { UNALLOCATED } from './statement-rows.ts';
import { InputBuilder } from './sources.ts';

function line(n: number, usages: number, summaryId: string, revenue: string, total: number): UsageLine {
  const l = sampleUsageLine('F1', n);
  return {
    ...l,
    usages,
    summary: {
      summaryRecordId: summaryId,
      recordType: 'SY01.02',
      commercialModel: 'SubscriptionModel',
      useType: 'OnDemandStream',
      territory: 'GB',
      currency: 'GBP',
      netRevenue: revenue,
      totalUsages: total,
      lineNumber: 3,
    },
  };
}

function matched(l: UsageLine, workId: string, shares: [number, number], rematch = false): MatchedUsage {
  return {
    lineId: l.lineId,
    fileId: l.fileId,
    line: l,
    workId,
    iswc: null,
    writers: [{ name: 'A WRITER', ipi: '1', role: 'CA', society: 'PRS', shareBasisPoints: shares[0] }],
    publishers: [{ name: 'PUB, "ONE"', ipi: '297', society: 'PRS', shareBasisPoints: shares[1] }],
    method: 'ISRC_LINK',
    confidence: 1,
    linkSource: 'cat',
    rematch,
    partIndex: 0,
    partCount: 1,
  };
}

// 13.19 GBP over 7 lines of odd usages: 3 matched at 100 %, 1 at 75 %, 2 unmatched, one
// line (usages 5) never arrived; a re-match of line 10 is emitted twice.
function build(order: 'forward' | 'reverse') {
  const lines = [3, 1, 7, 2, 11, 4].map((u, i) => line(10 + i, u, 'S1', '13.19', 33));
  const ops: (() => void)[] = [];
  const b = new InputBuilder();
  let ts = 0;
  const at = () => [0, ++ts, 0, ts] as [number, number, number, number];
  ops.push(() => b.addMatched(matched(lines[0]!, 'W1', [5000, 5000]), [0, 1, 0, 1]));
  ops.push(() => b.addMatched(matched(lines[0]!, 'W1', [5000, 5000], true), [1, 2, 0, 2]));
  ops.push(() => b.addMatched(matched(lines[1]!, 'W1', [5000, 5000]), at()));
  ops.push(() => b.addMatched(matched(lines[2]!, 'W2', [5000, 5000]), at()));
  ops.push(() => b.addMatched(matched(lines[3]!, 'W3', [2500, 5000]), at()));
  ops.push(() => b.addUnmatched(lines[4]!));
  ops.push(() => b.addUnmatched(lines[5]!));
  for (const op of order === 'forward' ? ops : ops.reverse()) op();
  return b;
}

test('a report reconciles to the cent: allocated + unallocated + unmatched + not valued = the summary', () => {
  const model = computeExport(build('forward').input, '2020-06');
  const [account] = model.accounts;
  const gbp = account!.money[0]!;
  assert.equal(gbp.reported, 1319n);
  assert.equal(moneyGap(gbp), 0n);
  // 28 of 33 usages arrived: the 5 missing usages' part of 13.19 is not valued.
  assert.equal(gbp.notValued, 1319n - (1319n * 28n + 16n) / 33n);
  assert.ok(gbp.unallocated > 0n, 'W3 has 75 % of shares: a quarter stays unallocated');
  assert.equal(account!.matchedLines, 4);
  assert.equal(account!.unmatchedLines, 2);
  const holders = model.statements.map((s) => s.holderId);
  assert.deepEqual(holders, ['PUB-297', 'SOC-PRS', UNALLOCATED]);
  const inStatements = model.statements.flatMap((s) => s.rows).reduce((a, r) => a + r.amount, 0n);
  assert.equal(inStatements, gbp.allocated + gbp.unallocated);
  assert.equal(gbp.reported - gbp.unmatched - gbp.unallocated - gbp.notValued, gbp.allocated);
});

test('the same input in another order gives byte-identical files, and a re-emitted line counts once', () => {
  const a = exportFiles(computeExport(build('forward').input, '2020-06'));
  const b = exportFiles(computeExport(build('reverse').input, '2020-06'));
  assert.deepEqual(
    a.map((f) => [f.path, f.content]),
    b.map((f) => [f.path, f.content]),
  );
  const pub = a.find((f) => f.rightsHolderId === 'PUB-297')!;
  assert.match(pub.content, /^rights_holder_id,/);
  assert.match(pub.content, /"PUB, ""ONE"""/, 'a name with a comma and quotes is quoted');
  const w1 = pub.content.split('\n').find((r) => r.includes(',W1,'))!;
  assert.equal(w1.split(',').at(-3), '4', 'W1: usages 3 + 1, the re-emitted line once');
  const claim = a.find((f) => f.kind === 'CLAIM')!;
  assert.match(claim.content, /^#CDMH\t/);
  assert.match(claim.content, /\nCS01\tS1\tSubscriptionModel\tOnDemandStream\tGB\tGBP\t33\t13.19\t/);
  assert.equal(claim.content.split('\n').filter((r) => r.startsWith('CD01\t')).length, 3);
});

test('a period holds only the lines whose usage starts in it', () => {
  assert.equal(computeExport(build('forward').input, '2020-07').claims.length, 0);
  assert.equal(computeExport(build('forward').input, '2020-Q2').claims.length, 1);
});

function csvRow(n: number, currency: string, revenue: string): UsageLine {
  return {
    ...sampleUsageLine('C1', n),
    format: 'CSV',
    usages: 10,
    currency,
    priceConsumerPaid: revenue,
    summary: null,
  };
}

test('a CSV report in two currencies claims each currency under its own CS01, never added together', () => {
  const b = new InputBuilder();
  b.addMatched(matched(csvRow(2, 'EUR', '10.00'), 'W1', [5000, 5000]), [0, 1, 0, 1]);
  b.addMatched(matched(csvRow(3, 'USD', '5.00'), 'W1', [5000, 5000]), [0, 2, 0, 2]);
  const claim = exportFiles(computeExport(b.input, '2020-06')).find((f) => f.kind === 'CLAIM')!;
  const cs01 = claim.content.split('\n').filter((r) => r.startsWith('CS01\t'));
  assert.deepEqual(
    cs01.map((r) => r.split('\t').slice(5)),
    [
      ['EUR', '', '', '10', '10.00'],
      ['USD', '', '', '10', '5.00'],
    ],
  );
  const cd01 = claim.content.split('\n').filter((r) => r.startsWith('CD01\t'));
  assert.deepEqual(
    cd01.map((r) => r.split('\t').slice(-2)),
    [
      ['10.00', 'EUR'],
      ['5.00', 'USD'],
    ],
  );
  assert.deepEqual(claim.totals, [
    { currency: 'EUR', usages: 10, amount: '10.00' },
    { currency: 'USD', usages: 10, amount: '5.00' },
  ]);
});

test('a summary whose lines fall in two months counts each month its own lines, the months adding up to it once', () => {
  // S1: 10.00 GBP over 20 usages; lines 10 (June, 5 usages) and 11 (July, 10 usages) arrived,
  // a June-first summary, 5 usages never arrived.
  const june = line(10, 5, 'S1', '10.00', 20);
  const july = { ...line(11, 10, 'S1', '10.00', 20), periodStart: '2020-07-01', periodEnd: '2020-07-31' };
  const b = new InputBuilder();
  b.addMatched(matched(june, 'W1', [5000, 5000]), [0, 1, 0, 1]);
  b.addMatched(matched(july, 'W1', [5000, 5000]), [0, 2, 0, 2]);
  const reported = (period: string) => {
    const model = computeExport(b.input, period);
    const gbp = model.accounts[0]!.money[0]!;
    assert.equal(moneyGap(gbp), 0n, `${period} adds up`);
    const cs01 = exportFiles(model)
      .find((f) => f.kind === 'CLAIM')!
      .content.split('\n')
      .find((r) => r.startsWith('CS01\t'))!
      .split('\t');
    return { reported: gbp.reported, notValued: gbp.notValued, usages: cs01[6], revenue: cs01[7] };
  };
  // June: its line 2.50 plus the 2.50 never received; July: its line 5.00.
  assert.deepEqual(reported('2020-06'), { reported: 500n, notValued: 250n, usages: '10', revenue: '5.00' });
  assert.deepEqual(reported('2020-07'), { reported: 500n, notValued: 0n, usages: '10', revenue: '5.00' });
  assert.deepEqual(reported('2020-Q3'), reported('2020-07'));
  const both = computeExport(b.input, '2020-06').accounts[0]!.money[0]!;
  assert.equal(both.reported + computeExport(b.input, '2020-07').accounts[0]!.money[0]!.reported, 1000n);
});

test('a release-level line matched as 3 parts spreads its usages and value evenly over them, adding up', () => {
  // 10 usages worth 10.00 GBP, matched as three works (partCount 3): 4/3/3 usages, 3.34/3.33/3.33.
  const l = line(10, 10, 'S1', '10.00', 10);
  const b = new InputBuilder();
  ['W1', 'W2', 'W3'].forEach((workId, i) =>
    b.addMatched({ ...matched(l, workId, [5000, 5000]), partIndex: i, partCount: 3 }, [0, i, 0, i]),
  );
  const model = computeExport(b.input, '2020-06');
  assert.deepEqual(
    model.works.map((w) => [w.workId, w.usages, w.amount]),
    [
      ['W1', 4, 334n],
      ['W2', 3, 333n],
      ['W3', 3, 333n],
    ],
  );
  const gbp = model.accounts[0]!.money[0]!;
  assert.equal(gbp.allocated, 1000n);
  assert.equal(moneyGap(gbp), 0n);
  assert.equal(model.accounts[0]!.matchedLines, 1, 'one line, however many parts');
  const pub = model.statements.find((s) => s.holderId === 'PUB-297')!;
  assert.deepEqual(
    pub.rows.map((r) => [r.workId, r.usages, r.amount]),
    [
      ['W1', 4, 167n],
      ['W2', 3, 167n],
      ['W3', 3, 167n],
    ],
  );
  const claim = model.claims[0]!.summaries[0]!;
  assert.equal(claim.claimedUsages, 10);
  assert.equal(claim.claimedAmount, 1000n);
});
