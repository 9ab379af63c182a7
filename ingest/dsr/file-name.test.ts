import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareWithHead,
  parseDsrFileName,
  parsePeriod,
  type DsrFileName,
  type HeadForFileName,
} from './file-name.ts';

function ok(name: string): DsrFileName {
  const r = parseDsrFileName(name);
  assert.equal(r.ok, true, r.ok ? '' : r.reason);
  return (r as { ok: true; value: DsrFileName }).value;
}

test('the BasicAudioProfile sample name: date-range period and an omitted territory', () => {
  const f = ok(
    'DSR_PADPIDA00123456743_PADPIDA0123456766K_UnlimitedMusicMonthly_2020-06-01--2020-06-30__1of1_20200703T075930.tsv',
  );
  assert.equal(f.recipient, 'PADPIDA00123456743');
  assert.equal(f.sender, 'PADPIDA0123456766K');
  assert.equal(f.serviceDescription, 'UnlimitedMusicMonthly');
  assert.deepEqual(f.period, {
    text: '2020-06-01--2020-06-30',
    kind: 'range',
    start: '2020-06-01',
    end: '2020-06-30',
  });
  assert.equal(f.territory, null);
  assert.equal(f.fileNumber, 1);
  assert.equal(f.numberOfFiles, 1);
  assert.equal(f.created, '2020-07-03T07:59:30');
  assert.equal(f.compressed, false);
  assert.deepEqual(f.warnings, []);
});

test('the UGC sample name: quarter period, party names instead of DPIDs', () => {
  const f = ok('/drop/youtube/DSR_TEST_YouTube_AdSupport-music_2015-Q4_IS_1of1_20160121T150926.tsv.gz');
  assert.equal(f.fileName, 'DSR_TEST_YouTube_AdSupport-music_2015-Q4_IS_1of1_20160121T150926.tsv.gz');
  assert.equal(f.recipient, 'TEST');
  assert.equal(f.sender, 'YouTube');
  assert.equal(f.serviceDescription, 'AdSupport-music');
  assert.deepEqual(f.period, { text: '2015-Q4', kind: 'quarter', start: '2015-10-01', end: '2015-12-31' });
  assert.equal(f.territory, 'IS');
  assert.equal(f.compressed, true);
});

test('period forms', () => {
  const cases: Array<[string, string, string, string]> = [
    // text, kind, start, end
    ['2020-06', 'month', '2020-06-01', '2020-06-30'],
    ['2020-02', 'month', '2020-02-01', '2020-02-29'],
    ['2019', 'year', '2019-01-01', '2019-12-31'],
    ['2020-06-15', 'day', '2020-06-15', '2020-06-15'],
    ['2015-Q1', 'quarter', '2015-01-01', '2015-03-31'],
    // ISO week 1 of 2020 starts on Monday 30 December 2019
    ['2020-W01', 'week', '2019-12-30', '2020-01-05'],
  ];
  for (const [text, kind, start, end] of cases)
    assert.deepEqual(parsePeriod(text), { text, kind, start, end });
  assert.equal(parsePeriod('2020-W53')?.start, '2020-12-28');
  assert.equal(parsePeriod('2021-W53'), null);
  assert.equal(parsePeriod('2020-13'), null);
  assert.equal(parsePeriod('2020-02-30'), null);
  assert.equal(parsePeriod('2020-06-30--2020-06-01'), null);
  assert.equal(parsePeriod('June2020'), null);
});

test('xofy may be missing for a one-file report; omitted elements are null', () => {
  const f = ok('DSR__Spotify_Premium_2020-06_GB_20200703T075930.tsv');
  assert.equal(f.recipient, null);
  assert.equal(f.fileNumber, null);
  assert.equal(f.numberOfFiles, null);
  assert.equal(f.territory, 'GB');
  assert.equal(f.created, '2020-07-03T07:59:30');
});

test('malformed elements are warnings, not failures', () => {
  const f = ok('DSR_R_S_Svc_June2020_GB_3of2_2020-07-03.tsv');
  assert.equal(f.period, null);
  assert.equal(f.created, null);
  assert.equal(f.warnings.length, 3);
  assert.match(f.warnings.join('\n'), /period "June2020"/);
  assert.match(f.warnings.join('\n'), /x must be between 1 and y/);
  assert.match(f.warnings.join('\n'), /creation date-time "2020-07-03"/);
});

test('names without the DSR structure fail with a reason', () => {
  const cases: Array<[string, RegExp]> = [
    ['report.csv', /does not end in \.tsv/],
    ['CDM_A_B_C_2020-06_GB_1of1_20200703T075930.tsv', /does not start with DSR_/],
    ['DSR_A_B_2020-06.tsv', /has 4 underscore-separated elements/],
    ['DSR_A_B_C_D_2020-06_GB_1of1_20200703T075930.tsv', /has 9 underscore-separated elements/],
  ];
  for (const [name, reason] of cases) {
    const r = parseDsrFileName(name);
    assert.equal(r.ok, false, name);
    assert.match(r.ok ? '' : r.reason, reason);
  }
});

const head: HeadForFileName = {
  senderPartyId: 'PADPIDA0123456766K',
  senderName: 'Unlimited Music',
  recipientPartyId: 'PADPIDA00123456743',
  recipientName: 'Music Licensor Ltd.',
  representedRepertoire: [],
  serviceDescription: 'UnlimitedMusicMonthly',
  usageStartDate: '2020-06-01',
  usageEndDate: '2020-06-30',
  fileNumber: 1,
  numberOfFiles: 1,
};

test('compareWithHead: no warnings when the name agrees with the HEAD', () => {
  const f = ok(
    'DSR_PADPIDA00123456743_PADPIDA0123456766K_UnlimitedMusicMonthly_2020-06__1of1_20200703T075930.tsv',
  );
  assert.deepEqual(compareWithHead(f, head), []);
  // names compare without spaces and case: SenderName "Unlimited Music" matches "UnlimitedMusic"
  const byName = ok(
    'DSR_MusicLicensorLtd._unlimitedmusic_UnlimitedMusicMonthly_2020-06-01--2020-06-30_GB_20200703T075930.tsv',
  );
  assert.deepEqual(compareWithHead(byName, head), []);
});

test('compareWithHead names each disagreeing element', () => {
  const f = ok('DSR_PADPIDA99999999999_PADPIDA0000000000X_Other_2020-05__2of3_20200703T075930.tsv');
  const w = compareWithHead(f, head);
  assert.equal(w.length, 5, w.join('\n'));
  assert.match(w[0] as string, /^sender: the file name says "PADPIDA0000000000X"/);
  assert.match(w[1] as string, /^recipient: the file name says "PADPIDA99999999999"/);
  assert.match(w[2] as string, /^service description/);
  assert.match(
    w[3] as string,
    /^period: the file name says 2020-05 \(2020-05-01 to 2020-05-31\), the HEAD says 2020-06-01 to 2020-06-30/,
  );
  assert.match(
    w[4] as string,
    /^file number: the file name says 2of3, the HEAD says FileNumber 1 of NumberOfFiles 1/,
  );
});

test('compareWithHead: a multi-file report needs xofy in the name', () => {
  const f = ok(
    'DSR_PADPIDA00123456743_PADPIDA0123456766K_UnlimitedMusicMonthly_2020-06__20200703T075930.tsv',
  );
  const w = compareWithHead(f, { ...head, fileNumber: 2, numberOfFiles: 4 });
  assert.deepEqual(w, [
    'file number: the file name has no xofy element, but the HEAD says the report has 4 files (this is file 2)',
  ]);
});
