// Hand-written CWR fragments: ISRC links, rejected transactions, order, trailers, 2.2.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCwr } from './index.ts';
import { alt, buildFile, nwr, per, place, pwr, rec, record, spu, swr, swt } from '../../fixtures/index.ts';

/** A complete, valid work transaction. */
function goodWork(tx: number, title: string, number: string, iswc = ''): string[] {
  return [
    nwr(tx, title, number, iswc),
    spu(tx, 1, { ip: 'P1', name: 'SOME PUBLISHING', ipi: '00000000297', society: '052', share: '05000' }),
    swr(tx, 2, {
      ip: 'W1',
      last: 'SMITH',
      first: 'JANE',
      role: 'CA',
      ipi: '00000000395',
      society: '52',
      share: '05000',
    }),
    pwr(tx, 3, 'P1', 'SOME PUBLISHING', 'W1'),
  ];
}

test('a REC record gives an ISRC → work link; PER gives performers, ALT alternative titles', () => {
  const text = buildFile([
    [
      nwr(0, 'CA PLANE POUR MOI', 'SW-001', 't0345246801'),
      spu(0, 1, { ip: 'P1', name: 'ROKS MUSIC', ipi: '00000000297', society: '055', share: '05000' }),
      swr(0, 2, {
        ip: 'W1',
        last: 'DEPRIJCK',
        first: 'LOU',
        role: 'CA',
        ipi: '00014107338',
        society: '055',
        share: '05000',
      }),
      swt(0, 3, 'W1', '05000'),
      pwr(0, 4, 'P1', 'ROKS MUSIC', 'W1'),
      alt(0, 5, 'CA PLANE POUR MOI (REMIX)'),
      per(0, 6, 'PLASTIC BERTRAND'),
      per(0, 7, 'BUBLE', 'MICHAEL'),
      rec(0, 8, 'bea127700001'),
      rec(0, 9, 'GBAHT0900445'),
      rec(0, 10, ''),
    ],
  ]);
  const r = parseCwr(text, { source: 'cwr:test' });
  assert.equal(r.trailerCheck, 'OK');
  assert.deepEqual(r.counts, { read: 1, loaded: 1, rejected: 0, skipped: 0, groups: 1, records: 15 });
  const [t] = r.transactions;
  assert.ok(t);
  assert.deepEqual(t.work, {
    workId: 'cwr:test:SW-001',
    iswc: 'T0345246801',
    title: 'CA PLANE POUR MOI',
    alternativeTitles: ['CA PLANE POUR MOI (REMIX)'],
    writers: [
      { name: 'DEPRIJCK LOU', ipi: '00014107338', role: 'CA', society: 'SABAM', shareBasisPoints: 5000 },
    ],
    publishers: [{ name: 'ROKS MUSIC', ipi: '00000000297', society: 'SABAM', shareBasisPoints: 5000 }],
    performers: ['PLASTIC BERTRAND', 'MICHAEL BUBLE'],
    source: 'cwr:test',
  });
  const assertedAt = new Date('2024-01-31T10:15:00Z');
  const link = {
    workId: 'cwr:test:SW-001',
    iswc: 'T0345246801',
    title: 'CA PLANE POUR MOI',
    source: 'cwr:test',
    assertedAt,
  };
  assert.deepEqual(t.recordingLinks, [
    { isrc: 'BEA127700001', links: [link] },
    { isrc: 'GBAHT0900445', links: [link] },
  ]);
  assert.deepEqual(r.recordingLinks, t.recordingLinks);
});

test('the same ISRC in two works gives one RecordingLink with two links', () => {
  const a = [...goodWork(0, 'FIRST', 'A1', 'T1234567894'), rec(0, 4, 'GBAHT0900445')];
  const b = [...goodWork(1, 'SECOND', 'B1'), rec(1, 4, 'GBAHT0900445')];
  const r = parseCwr(buildFile([a, b]), { source: 'x' });
  assert.equal(r.recordingLinks.length, 1);
  assert.deepEqual(
    r.recordingLinks[0]?.links.map((l) => [l.workId, l.iswc, l.title]),
    [
      ['x:A1', 'T1234567894', 'FIRST'],
      ['x:B1', null, 'SECOND'],
    ],
  );
});

test('a bad share and a bad ISWC reject their transactions, field named; the others load', () => {
  const badShare = goodWork(1, 'BAD SHARE', 'W-BAD-SHARE');
  badShare[2] = place(badShare[2] as string, 130, '5O000'); // letter O in SWR PR ownership share
  const badIswc = goodWork(2, 'BAD ISWC', 'W-BAD-ISWC', 'T1234567895'); // check digit should be 4
  const text = buildFile(
    [goodWork(0, 'GOOD ONE', 'W-1', 'T1234567894'), badShare, badIswc, goodWork(3, 'GOOD TWO', 'W-2')],
    { eol: '\n' },
  );
  const r = parseCwr(text, { source: 'f' });
  assert.equal(r.trailerCheck, 'OK');
  assert.deepEqual(r.counts, { read: 4, loaded: 2, rejected: 2, skipped: 0, groups: 1, records: 20 });
  assert.deepEqual(
    r.transactions.map((t) => [t.work.title, t.work.iswc, t.transactionSequence]),
    [
      ['GOOD ONE', 'T1234567894', 0],
      ['GOOD TWO', null, 3],
    ],
  );
  const [share, iswc] = r.rejected;
  assert.ok(share && iswc);
  assert.deepEqual(
    { ...share, reason: undefined, record: undefined },
    {
      transactionSequence: 1,
      transactionType: 'NWR',
      submitterWorkNumber: 'W-BAD-SHARE',
      transactionLine: 7,
      recordType: 'SWR',
      line: 9,
      field: 'prOwnershipShare',
      reason: undefined,
      record: undefined,
    },
  );
  assert.match(share.reason, /SWR field prOwnershipShare \(columns 130-134\) "5O000" is not a share/);
  assert.equal(share.record, badShare[2]);
  assert.equal(iswc.recordType, 'NWR');
  assert.equal(iswc.line, 11);
  assert.equal(iswc.field, 'iswc');
  assert.equal(iswc.transactionSequence, 2);
  assert.match(iswc.reason, /check digit 5/);
});

test('a share above 100 % is malformed', () => {
  const w = goodWork(0, 'TOO MUCH', 'W1');
  w[1] = place(w[1] as string, 116, '10001');
  const r = parseCwr(buildFile([w]), { source: 'f' });
  assert.equal(r.rejected[0]?.field, 'prOwnershipShare');
  assert.match(r.rejected[0]?.reason ?? '', /100\.01 %, more than 100 %/);
});

test('an unknown record type inside a transaction rejects it, naming the type and line', () => {
  const w = [...goodWork(0, 'ODD', 'W1'), record('XYZ', 0, 4, [[20, 'SOMETHING']])];
  const r = parseCwr(buildFile([w, goodWork(1, 'FINE', 'W2')]), { source: 'f' });
  assert.equal(r.trailerCheck, 'OK');
  assert.deepEqual(
    r.transactions.map((t) => t.work.title),
    ['FINE'],
  );
  assert.equal(r.rejected.length, 1);
  assert.equal(r.rejected[0]?.recordType, 'XYZ');
  assert.equal(r.rejected[0]?.line, 7);
  assert.equal(r.rejected[0]?.field, undefined);
  assert.match(r.rejected[0]?.reason ?? '', /unknown record type "XYZ" in a NWR transaction/);
});

test('records out of order reject their transaction', () => {
  // record sequence skips a number
  const gap = goodWork(0, 'GAP', 'W1');
  gap[3] = place(gap[3] as string, 12, '00000004');
  // SWT before any SWR of that writer
  const swtFirst = [
    nwr(1, 'SWT FIRST', 'W2'),
    swt(1, 1, 'W1', '05000'),
    swr(1, 2, { ip: 'W1', last: 'X', share: '10000' }),
  ];
  // a publisher after the writers
  const late = [
    nwr(2, 'LATE SPU', 'W3'),
    swr(2, 1, { ip: 'W1', last: 'X', share: '05000' }),
    spu(2, 2, { ip: 'P1', name: 'P', share: '05000' }),
  ];
  // a detail record carrying another transaction's sequence number
  const foreign = goodWork(3, 'FOREIGN', 'W4');
  foreign[2] = place(foreign[2] as string, 4, '00000009');
  // PWR naming a publisher no SPU of the transaction has
  const pwrUnknown = [...goodWork(4, 'PWR UNKNOWN', 'W5').slice(0, 3), pwr(4, 3, 'P9', 'NOBODY', 'W1')];
  const r = parseCwr(buildFile([gap, swtFirst, late, foreign, pwrUnknown, goodWork(5, 'OK', 'W6')]), {
    source: 'f',
  });
  assert.equal(r.trailerCheck, 'OK');
  assert.deepEqual(
    r.transactions.map((t) => t.work.title),
    ['OK'],
  );
  assert.deepEqual(
    r.rejected.map((x) => [x.transactionSequence, x.recordType, x.field ?? null]),
    [
      [0, 'PWR', 'recordSequence'],
      [1, 'SWT', 'interestedPartyNumber'],
      [2, 'SPU', null],
      [3, 'SWR', 'transactionSequence'],
      [4, 'PWR', 'publisherIpNumber'],
    ],
  );
  assert.match(r.rejected[0]?.reason ?? '', /record sequence 00000004 out of order: expected 3/);
  assert.match(r.rejected[2]?.reason ?? '', /SPU record after SWR is out of order/);
});

test('a transaction sequence out of order is rejected; the next ones still load', () => {
  const r = parseCwr(buildFile([goodWork(0, 'A', 'A'), goodWork(5, 'B', 'B'), goodWork(6, 'C', 'C')]), {
    source: 'f',
  });
  assert.deepEqual(
    r.transactions.map((t) => t.work.title),
    ['A', 'C'],
  );
  assert.equal(r.rejected[0]?.field, 'transactionSequence');
  assert.match(r.rejected[0]?.reason ?? '', /transaction sequence 5 out of order: expected 1/);
});

test('an invalid ISRC in a REC record rejects the transaction, field named', () => {
  const r = parseCwr(buildFile([[...goodWork(0, 'A', 'A'), rec(0, 4, 'GBAHT09004X5')]]), { source: 'f' });
  assert.equal(r.counts.rejected, 1);
  assert.equal(r.rejected[0]?.recordType, 'REC');
  assert.equal(r.rejected[0]?.field, 'isrc');
  assert.equal(r.rejected[0]?.line, 7);
  assert.deepEqual(r.recordingLinks, []);
});

test('blank title or submitter work number is rejected with the field', () => {
  const r = parseCwr(buildFile([goodWork(0, '', 'A'), goodWork(1, 'T', '')]), { source: 'f' });
  assert.deepEqual(
    r.rejected.map((x) => x.field),
    ['title', 'submitterWorkNumber'],
  );
});

test('trailer counts that disagree are named in trailerCheck', () => {
  const works = [goodWork(0, 'A', 'A'), goodWork(1, 'B', 'B')];
  assert.equal(parseCwr(buildFile(works), { source: 'f' }).trailerCheck, 'OK');
  const r = parseCwr(buildFile(works, { grtTransactions: 3, grtRecords: 9, trlRecords: 99 }), {
    source: 'f',
  });
  assert.equal(r.counts.loaded, 2, 'the works still load');
  assert.equal(
    r.trailerCheck,
    'group 1 (GRT line 11): transactionCount 3, but 2 transactions read in the group; ' +
      'group 1 (GRT line 11): recordCount 9, but 10 records read from GRH to GRT; ' +
      'TRL (line 12): recordCount 99, but 12 records read from HDR to TRL',
  );
  const noTrl = parseCwr(buildFile(works, { omitTrailer: true }), { source: 'f' });
  assert.equal(noTrl.trailerCheck, 'no TRL trailer');
});

test('a CWR 2.2 file: version from the HDR, 2.2 fields at the end of REC and PWR', () => {
  const text = buildFile(
    [
      [
        nwr(0, 'NEW SONG', 'N1', 'T0000000010'),
        spu(0, 1, { ip: 'P1', name: 'PUB', share: '05000', society: '021' }),
        swr(0, 2, { ip: 'W1', last: 'WRITER', first: 'A', share: '05000', society: '021' }),
        pwr(0, 3, 'P1', 'PUB', 'W1', 1),
        rec(0, 4, 'USS1Z9900001', { version: '2.2', recordingTitle: 'NEW SONG (RADIO EDIT)' }),
      ],
    ],
    { version: '2.2' },
  );
  const r = parseCwr(text, { source: 'v22' });
  assert.equal(r.header.version, '2.2');
  assert.equal(r.header.revision, 1);
  assert.equal(r.header.softwarePackage, 'TEST SUITE');
  assert.equal(r.header.softwarePackageVersion, '1.0');
  assert.equal(r.trailerCheck, 'OK');
  assert.deepEqual(r.rejected, []);
  assert.equal(r.transactions[0]?.work.writers[0]?.society, 'BMI');
  assert.deepEqual(
    r.recordingLinks.map((l) => l.isrc),
    ['USS1Z9900001'],
  );

  // in 2.2 the PWR publisher sequence is numeric
  const bad = text.replace(/(PWR0000000000000003.{91})01/, '$1X1');
  assert.notEqual(bad, text);
  const rb = parseCwr(bad, { source: 'v22' });
  assert.equal(rb.rejected[0]?.field, 'publisherSequence');
});

test('REV and ISW transactions load like NWR; AGR groups are counted but give no works', () => {
  const rev = [nwr(0, 'REVISED', 'R1', '', 'REV'), spu(0, 1, { ip: 'P1', name: 'P', share: '10000' })];
  const r = parseCwr(buildFile([rev], { groupType: 'REV' }), { source: 'f' });
  assert.equal(r.transactions[0]?.transactionType, 'REV');
  assert.equal(r.transactions[0]?.work.title, 'REVISED');

  const isw = [
    nwr(0, 'ASSIGNED', 'I1', 'T1234567894', 'ISW'),
    swr(0, 1, { ip: 'W1', last: 'X', share: '10000' }),
  ];
  const ri = parseCwr(buildFile([isw], { groupType: 'ISW' }), { source: 'f' });
  assert.equal(ri.transactions[0]?.transactionType, 'ISW');
  assert.equal(ri.transactions[0]?.work.iswc, 'T1234567894');
  assert.equal(ri.trailerCheck, 'OK');

  const agr = [record('AGR', 0, 0, [[20, 'AGREEMENT 1']]), record('TER', 0, 1, [[20, 'I2136']])];
  const ra = parseCwr(buildFile([agr], { groupType: 'AGR' }), { source: 'f' });
  assert.deepEqual(ra.counts, { read: 1, loaded: 0, rejected: 0, skipped: 1, groups: 1, records: 6 });
  assert.equal(ra.trailerCheck, 'OK');
  assert.match(ra.issues[0]?.reason ?? '', /AGR transactions give no works/);
});

test('stray and empty lines are reported as issues, not silently dropped', () => {
  const text = buildFile([goodWork(0, 'A', 'A')]);
  const lines = text.split('\r\n');
  lines.splice(2, 0, alt(0, 1, 'STRAY BEFORE ANY TRANSACTION'));
  lines.splice(4, 0, '');
  const r = parseCwr(lines.join('\r\n'), { source: 'f' });
  assert.deepEqual(
    r.issues.map((i) => [i.severity, i.line, i.recordType]),
    [
      ['error', 3, 'ALT'],
      ['warning', 5, null],
    ],
  );
  // the stray record is counted as a record, so the group trailer disagrees
  assert.match(r.trailerCheck, /recordCount 6, but 7 records/);
});

test('a file that is not CWR gives issues, not an exception', () => {
  const r = parseCwr('hello\nworld\n', { source: 'f' });
  assert.equal(r.counts.loaded, 0);
  assert.ok(r.issues.some((i) => /does not start with an HDR/.test(i.reason)));
  assert.ok(r.issues.some((i) => /no HDR record/.test(i.reason)));
  assert.equal(r.trailerCheck, 'no TRL trailer');
});

test('a submitter work number used twice: both load, with a warning', () => {
  const r = parseCwr(buildFile([goodWork(0, 'A', 'SAME'), goodWork(1, 'A AGAIN', 'SAME')]), { source: 'f' });
  assert.equal(r.counts.loaded, 2);
  assert.deepEqual(
    r.issues.map((i) => [i.severity, i.line, i.field]),
    [['warning', 7, 'submitterWorkNumber']],
  );
});

test('PR ownership shares that do not add up to 100 % give a warning, not a rejection', () => {
  const w = goodWork(0, 'HALF', 'W1');
  w[1] = place(w[1] as string, 116, '02500');
  const r = parseCwr(buildFile([w]), { source: 'f' });
  assert.equal(r.counts.loaded, 1);
  assert.match(r.issues[0]?.reason ?? '', /add up to 75\.00 %/);
});
