// The shared real sample files, parsed end to end. Counts were established by reading each
// file with `cat -A` (see the comments); the samples are read in place, never copied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLines, type Line } from '../lines/line-reader.ts';
import {
  DsrParser,
  compareWithHead,
  parseDsrFileName,
  parseDsrBatches,
  parseDsrStream,
  type FileSummary,
  type LineOutcome,
  type UsageOutcome,
} from './index.ts';
import type { UsageLine } from '../../core/schemas/index.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const samples = path.resolve(repoRoot, '../shared/samples/dsr');
const BASIC =
  'DSR_PADPIDA00123456743_PADPIDA0123456766K_UnlimitedMusicMonthly_2020-06-01--2020-06-30__1of1_20200703T075930.tsv';
const UGC = 'DSR_TEST_YouTube_AdSupport-music_2015-Q4_IS_1of1_20160121T150926.tsv';
const FRAGMENT = 'test_file_parser.tsv';

async function* once(data: Buffer): AsyncGenerator<Buffer> {
  yield data;
}

async function parseBytes(
  data: Buffer,
  fileId = 'f1',
): Promise<{ outcomes: LineOutcome[]; summary: FileSummary; parser: DsrParser }> {
  const parser = new DsrParser({ fileId, sender: 'sample-sender' });
  const outcomes: LineOutcome[] = [];
  for await (const line of readLines(once(data))) outcomes.push(parser.accept(line));
  return { outcomes, summary: parser.finish(), parser };
}

async function parseSample(
  name: string,
): Promise<{ outcomes: LineOutcome[]; summary: FileSummary; parser: DsrParser; lines: Line[] }> {
  const parser = new DsrParser({ fileId: 'f1', sender: 'sample-sender' });
  const outcomes: LineOutcome[] = [];
  const lines: Line[] = [];
  for await (const line of readLines(createReadStream(path.join(samples, name), { highWaterMark: 64 }))) {
    lines.push(line);
    outcomes.push(parser.accept(line));
  }
  return { outcomes, summary: parser.finish(), parser, lines };
}

function usages(outcomes: LineOutcome[]): UsageLine[] {
  return outcomes.filter((o): o is UsageOutcome => o.kind === 'usage').map((o) => o.value);
}

function kinds(outcomes: LineOutcome[]): string {
  return outcomes.map((o) => (o.kind === 'usage' ? 'U' : o.kind === 'dead' ? 'D' : 'c')).join('');
}

test('BasicAudioProfile sample: 33 lines = 15 SU02.02 usage lines + 18 context lines, footer OK', async () => {
  const { outcomes, summary } = await parseSample(BASIC);
  // HEAD, 5 headings (#HEAD #SY01.02 #RE01.02 #AS02.03 #SU02.02), SY01.02, 3 RE01.02,
  // 6 AS02.03, 15 SU02.02, #FOOT, FOOT (without final line end)
  assert.deepEqual(summary.counts, { lines: 33, emitted: 15, deadLettered: 0, context: 18 });
  assert.equal(
    summary.counts.lines,
    summary.counts.emitted + summary.counts.deadLettered + summary.counts.context,
  );
  assert.equal(kinds(outcomes), 'ccccccccc' + 'UUU' + 'ccc' + 'UUUU' + 'cccc' + 'UUUUUUUU' + 'cc');
  assert.equal(summary.fileError, null);
  assert.equal(summary.footerCheck, 'OK');
  assert.equal(summary.blocks, 3);
  assert.equal(summary.summaryRecords, 1);
  assert.deepEqual(summary.deadByClass, {});
  const contextTypes = outcomes
    .filter((o) => o.kind === 'context')
    .map((o) => (o.kind === 'context' ? o.recordType : ''));
  assert.deepEqual(contextTypes.slice(0, 9), [
    'HEAD',
    '#HEAD',
    '#SY01.02',
    'SY01.02',
    '#RE01.02',
    'RE01.02',
    '#AS02.03',
    'AS02.03',
    '#SU02.02',
  ]);
  assert.deepEqual(contextTypes.slice(-2), ['#FOOT', 'FOOT']);

  const u = usages(outcomes);
  assert.deepEqual(
    u.map((x) => x.usages),
    [120, 5, 314, 443, 108, 397, 88, 100, 277, 438, 121, 168, 259, 245, 77],
  );
  // the stream counts add up to the summary record's TotalUsages
  assert.equal(
    u.reduce((a, x) => a + x.usages, 0),
    3160,
  );
  assert.equal(u[0]?.summary?.totalUsages, 3160);
});

test('BasicAudioProfile sample: usage lines carry resource, release and summary context', async () => {
  const { outcomes, summary } = await parseSample(BASIC);
  const first = usages(outcomes)[0] as UsageLine;
  assert.deepEqual(first, {
    lineId: 'f1:10',
    fileId: 'f1',
    lineNumber: 10,
    sender: 'sample-sender',
    format: 'DSR',
    recordType: 'SU02.02',
    salesTransactionId: '1B002X426VM2136987030000001',
    usages: 120,
    useType: 'OnDemandStream',
    commercialModel: 'SubscriptionModel',
    territory: 'GB',
    periodStart: '2020-06-01',
    periodEnd: '2020-06-30',
    isRoyaltyBearing: true,
    priceConsumerPaid: null,
    currency: 'GBP',
    resources: [
      {
        resourceRef: 'B002X426VM-213698703',
        dspResourceId: 'B002X426VM',
        isrc: 'GBAHT0900445',
        title: 'Aniron',
        subTitle: null,
        displayArtists: ['Enya'],
        durationSeconds: 164,
        resourceType: 'SoundRecording',
        iswc: null,
        composers: [],
        publishers: [],
        sourceLineNumber: 8,
      },
    ],
    release: {
      releaseRef: 'R1',
      dspReleaseId: 'B002X46CDK',
      icpn: '825646846917',
      title: 'The Very Best Of Enya (Deluxe) (Amazon Exclusive)',
      displayArtists: ['Enya'],
      label: 'Warner UK',
    },
    summary: {
      summaryRecordId: 'S1',
      recordType: 'SY01.02',
      commercialModel: 'SubscriptionModel',
      useType: null,
      territory: 'GB',
      currency: 'GBP',
      netRevenue: '5000.00',
      totalUsages: 3160,
      lineNumber: 4,
    },
    extra: { BlockId: '1', 'summary.ServiceDescription': 'Unlimited Music Monthly' },
  });
  const silentNight = usages(outcomes).find((x) => x.lineNumber === 17);
  assert.deepEqual(silentNight?.resources[0]?.composers, ['Franz Xaver Gruber', 'Joseph Mohr']);
  assert.equal(silentNight?.release?.title, 'Joy to the World');
  assert.equal(silentNight?.useType, 'OnDemandStream');

  const head = summary.head;
  assert.ok(head);
  assert.equal(head.profile, 'BasicAudioProfile');
  assert.equal(head.profileVersion, '1.3');
  assert.equal(head.senderName, 'Unlimited Music');
  const fileName = parseDsrFileName(BASIC);
  assert.ok(fileName.ok);
  assert.deepEqual(compareWithHead(fileName.value, head), []);
});

test('BasicAudioProfile sample, block 3: usage follows ResourceReference although the DSP ids are swapped', async () => {
  // Block 3 has AS02.03 line 22 with ResourceReference B0023AU8XO-201986758 but DspResourceId
  // B0023AY8FI, and line 23 the other way round. TransactedResource is a ResourceReference by
  // definition, and SalesTransactionIds (1B0023AU8XO2019867580000001) follow the references,
  // so usage is linked by reference; the events carry both ids and a warning names the lines.
  const { outcomes, summary } = await parseSample(BASIC);
  const barbaraAnn = usages(outcomes).filter((x) => x.resources[0]?.resourceRef === 'B0023AU8XO-201986758');
  assert.deepEqual(
    barbaraAnn.map((x) => x.lineNumber),
    [26, 27, 28],
  );
  for (const x of barbaraAnn) {
    assert.equal(x.resources[0]?.isrc, 'USCA20100337');
    assert.equal(x.resources[0]?.title, 'Barbara Ann (2001 - Remaster)');
    assert.equal(x.resources[0]?.dspResourceId, 'B0023AY8FI');
    assert.equal(x.resources[0]?.sourceLineNumber, 22);
    assert.deepEqual(x.resources[0]?.composers, ['Fred Fassert']);
  }
  const californiaGirls = usages(outcomes).find((x) => x.lineNumber === 29);
  assert.equal(californiaGirls?.resources[0]?.isrc, 'USCA20001686');
  assert.equal(californiaGirls?.resources[0]?.dspResourceId, 'B0023AU8XO');
  const swapWarnings = summary.warnings.filter((w) => w.startsWith('block 3:'));
  assert.equal(swapWarnings.length, 2);
  assert.match(
    swapWarnings[0] as string,
    /line 22 has ResourceReference B0023AU8XO-201986758 but DspResourceId B0023AY8FI/,
  );
  assert.match(swapWarnings[0] as string, /DspResourceId B0023AU8XO of resource line 23/);
  assert.equal(summary.warnings.length, 2);
});

test('BasicAudioProfile sample: LF line ends give the same events as its CRLF original', async () => {
  const crlf = await readFile(path.join(samples, BASIC));
  assert.ok(crlf.includes('\r\n'), 'the sample uses CRLF');
  const lf = Buffer.from(crlf.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
  const a = await parseBytes(crlf);
  const b = await parseBytes(lf);
  assert.deepEqual(b.summary.counts, a.summary.counts);
  assert.deepEqual(usages(b.outcomes), usages(a.outcomes));
  assert.equal(b.summary.footerCheck, 'OK');
});

test('UGC sample: 35 lines = 6 SU03.01 usage lines + 29 context lines, footer OK', async () => {
  const { outcomes, summary } = await parseSample(UGC);
  // HEAD, 8 headings, 4 SY02.01, then 3 blocks of AS01, MW01.01, RU01 and SU03.01 / LI01.01
  // pairs (1 + 1 + 4 pairs), FOOT
  assert.deepEqual(summary.counts, { lines: 35, emitted: 6, deadLettered: 0, context: 29 });
  assert.equal(kinds(outcomes), 'c'.repeat(16) + 'Uc' + 'cccUc' + 'ccc' + 'UcUcUcUc' + 'c');
  assert.equal(summary.footerCheck, 'OK');
  assert.equal(summary.blocks, 3);
  assert.equal(summary.summaryRecords, 4);
  const u = usages(outcomes);
  assert.deepEqual(
    u.map((x) => [x.lineNumber, x.salesTransactionId, x.usages, x.periodStart, x.periodEnd]),
    [
      [17, 'U1', 7810, '2015-10-01', '2015-12-31'],
      [22, 'U1', 2045, '2015-10-01', '2015-12-31'],
      [27, 'U1', 18, '2015-10-01', '2015-10-02'],
      [29, 'U2', 4, '2015-10-03', '2015-10-03'],
      [31, 'U3', 258, '2015-10-04', '2015-12-03'],
      [33, 'U4', 75, '2015-12-04', '2015-12-30'],
    ],
  );
  const first = u[0] as UsageLine;
  assert.equal(first.recordType, 'SU03.01');
  assert.equal(first.commercialModel, 'AdvertisementSupportedModel');
  assert.equal(first.useType, 'Stream');
  assert.equal(first.territory, 'IS');
  assert.equal(first.currency, 'USD');
  assert.equal(first.release, null);
  assert.deepEqual(first.extra, { BlockId: '1', DspReleaseId: 'A935917475088049', NetRevenue: '2.0' });
  assert.equal(first.resources.length, 1);
  assert.equal(first.resources[0]?.isrc, 'USSM19803037');
  assert.equal(first.resources[0]?.durationSeconds, 0);
});

test('UGC sample: multi-value cells (composers, represented repertoire) and the short MW01.01 line', async () => {
  const { outcomes, summary } = await parseSample(UGC);
  const u = usages(outcomes);
  // MW01.01 line 15: ComposerAuthor is a 4-value cell; its work has no ISWC
  assert.deepEqual(u[0]?.resources[0]?.composers, [
    'DAVID RITZ',
    'M. GAYE',
    'MARVIN GAYE',
    'ODELL BROWN ODELL BROWN',
  ]);
  assert.equal(u[0]?.resources[0]?.iswc, null);
  // MW01.01 line 20 has 6 of 16 cells: BlockId, DspWorkId, ISWC, Title, then "myns::4535" in
  // the SubTitle position. Accepted by position: the ISWC reaches the usage, no composer.
  assert.equal(u[1]?.resources[0]?.iswc, 'T9109247316');
  assert.deepEqual(u[1]?.resources[0]?.composers, []);
  assert.ok(
    summary.warnings.some((w) =>
      /^line 20: MW01\.01 has 6 of 16 cells and cell 6 \(SubTitle\) holds "myns::4535"/.test(w),
    ),
    summary.warnings.join('\n'),
  );
  assert.ok(
    summary.warnings.some((w) =>
      /^MW01\.01: 3 lines have fewer cells than the 16 defined \(lines 15, 20, 25; fewest 6\)/.test(w),
    ),
  );
  assert.equal(u[2]?.resources[0]?.iswc, 'T0702472794');
  assert.deepEqual(u[2]?.resources[0]?.composers, ['CLYDE OTIS']);

  assert.deepEqual(summary.head?.representedRepertoire, ['PUB_3', 'PUB_2', 'PUB_1', 'SOC_1', 'Residual']);
  assert.equal(summary.head?.numberOfFiles, 1); // heading spells it NumberofFiles
  const fileName = parseDsrFileName(UGC);
  assert.ok(fileName.ok);
  assert.deepEqual(compareWithHead(fileName.value, summary.head as NonNullable<typeof summary.head>), []);
});

test('UGC sample: four summary lines share SummaryRecordId 1; usage carries what they agree on', async () => {
  const { outcomes, summary } = await parseSample(UGC);
  const s = usages(outcomes)[0]?.summary;
  assert.deepEqual(s, {
    summaryRecordId: '1',
    recordType: 'SY02.01',
    commercialModel: 'AdvertisementSupportedModel',
    useType: 'Stream',
    territory: 'IS',
    currency: 'USD',
    netRevenue: null,
    totalUsages: null,
    lineNumber: 10,
  });
  assert.deepEqual(
    summary.summaries.map((x) => [
      x.lineNumber,
      x.cells.RightsController,
      x.cells.NetRevenue,
      x.cells.Usages,
    ]),
    [
      [10, 'PUB_2', '409.05', '1036181'],
      [11, 'SOC_1', '359.71', '575732'],
      [12, 'PUB_3', '3424.29', '3834450'],
      [13, 'Residual', '11570.53', '21613409'],
    ],
  );
  assert.ok(
    summary.warnings.some((w) =>
      w.startsWith('SummaryRecordId 1 is used by 4 summary lines (10, 11, 12, 13)'),
    ),
  );
});

test('UGC sample: CRLF line ends give the same events as its LF original', async () => {
  const lf = await readFile(path.join(samples, UGC));
  assert.ok(!lf.includes('\r'), 'the sample uses LF');
  const crlf = Buffer.from(lf.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
  const a = await parseBytes(lf);
  const b = await parseBytes(crlf);
  assert.deepEqual(b.summary.counts, a.summary.counts);
  assert.deepEqual(usages(b.outcomes), usages(a.outcomes));
});

test('test_file_parser fragment: FHEA/FFOO variants, 7 lines, one SY03 line that does not fit', async () => {
  const { outcomes, summary } = await parseSample(FRAGMENT);
  assert.deepEqual(summary.counts, { lines: 7, emitted: 0, deadLettered: 1, context: 6 });
  assert.equal(summary.fileError, null, 'FHEA counts as a DSR header');
  assert.equal(summary.head?.recordType, 'FHEA');
  assert.equal(summary.head?.messageId, 'MessageId');
  assert.equal(summary.head?.numberOfFiles, 1);
  assert.equal(summary.footerCheck, 'NumberOfLines: FFOO says 123, the file has 7');
  // Line 4 "SY03 AdSupport NonInterStream AU AdSupport 108552" uses a toy layout without
  // SummaryRecordId; read as SY03.01 its Territory (cell 7) is missing.
  const dead = outcomes[3];
  assert.equal(dead?.kind, 'dead');
  if (dead?.kind === 'dead') {
    assert.equal(dead.errorClass, 'WRONG_CELL_COUNT');
    assert.equal(dead.cell, 'Territory');
    assert.equal(dead.stage, 'parse');
    assert.equal(dead.message, 'SY03 has only 6 cells; the required cell Territory is cell 7 of 9');
    assert.equal(dead.bytes.toString('utf8'), 'SY03\tAdSupport\tNonInterStream\tAU\tAdSupport\t108552');
  }
});

test('test_file_parser fragment: the escaped pipe and non-ASCII title reach a usage line intact', async () => {
  for (const variant of ['legacy \\|', 'spec \\\\|']) {
    let data = await readFile(path.join(samples, FRAGMENT));
    if (variant.startsWith('spec')) data = Buffer.from(data.toString('utf8').replace('\\|', '\\\\|'), 'utf8');
    const parser = new DsrParser({ fileId: 'frag', sender: 's' });
    let n = 0;
    for await (const line of readLines(once(data))) {
      parser.accept(line);
      n = line.lineNumber;
    }
    // append a summary and usage lines that refer to the fragment's block 1
    const more = [
      'SY01.02\tS1\t\t\tAdvertisementSupportedModel\tStream\tAU\t\t\t\tAUD\t1.00',
      'SU02\t1\tS1\tT1\t\tRES1\tTRUE\t5',
      'SU02\t1\tAdSupport\tT2\t\tRES1\tTRUE\t5',
    ];
    const out = more.map((text) =>
      parser.accept({ lineNumber: ++n, bytes: Buffer.from(text), byteOffset: 0 }),
    );
    const u = out[1];
    assert.equal(u?.kind, 'usage', variant);
    if (u?.kind === 'usage') {
      assert.equal(u.value.resources[0]?.title, 'Lët Më Gët | Thîś "Rîght', variant);
      assert.equal(u.value.resources[0]?.isrc, 'USUM70600055');
      assert.equal(u.value.release?.dspReleaseId, 'of:6616065478244fd394695eccdc930bc1');
    }
    // the dead SY03 line (4) read "AdSupport" as its SummaryRecordId: pointing there orphans
    const orphan = out[2];
    assert.equal(orphan?.kind, 'dead');
    if (orphan?.kind === 'dead') {
      assert.equal(orphan.errorClass, 'ORPHANED');
      assert.equal(orphan.rootCauseLine, 4);
    }
    const s = parser.finish();
    assert.equal(s.counts.lines, 10);
    assert.equal(s.counts.lines, s.counts.emitted + s.counts.deadLettered + s.counts.context);
  }
});

test('parseDsrStream yields one outcome per line and returns the summary', async () => {
  const gen = parseDsrStream(createReadStream(path.join(samples, BASIC)), { fileId: 'x', sender: 's' });
  let count = 0;
  let result = await gen.next();
  while (!result.done) {
    count++;
    result = await gen.next();
  }
  assert.equal(count, 33);
  assert.deepEqual(result.value.counts, { lines: 33, emitted: 15, deadLettered: 0, context: 18 });
});

test('parseDsrBatches yields the outcomes of each chunk together', async () => {
  const gen = parseDsrBatches(createReadStream(path.join(samples, UGC), { highWaterMark: 1024 }), {
    fileId: 'x',
    sender: 's',
  });
  const sizes: number[] = [];
  let result = await gen.next();
  while (!result.done) {
    sizes.push(result.value.length);
    result = await gen.next();
  }
  assert.ok(sizes.length > 1);
  assert.equal(
    sizes.reduce((a, b) => a + b, 0),
    35,
  );
  assert.deepEqual(result.value.counts, { lines: 35, emitted: 6, deadLettered: 0, context: 29 });
});
