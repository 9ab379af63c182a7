// Hand-written lines for each error class and each kind of context resolution.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DsrParser,
  type DeadOutcome,
  type DsrParserOptions,
  type FileSummary,
  type LineOutcome,
} from './index.ts';
import type { UsageLine } from '../../core/schemas/index.ts';

const HEAD =
  'HEAD\tdsrf/1.1/1.4.1/1.3\tBasicAudioProfile\t1.3\tM1\t2020-07-03T07:59:30Z\t1\t1\t2020-06-01\t2020-06-30\tPADPIDA1\tSender\tSvc\tPADPIDA2\tRecipient';
const SY = 'SY01.02\tS1\t\t\tSubscriptionModel\t\tGB\tSvc\t100\t\tGBP\t50.00';

function re(block: string, ref: string): string {
  return `RE01.02\t${block}\t${ref}\tD${ref}\t\t\t825646846917\tArtist\t\tAlbum ${ref}\t\tAlbum\tLabel ${ref}`;
}

function as(
  block: string,
  ref: string,
  isrc: string,
  o: { iswc?: string; duration?: string; title?: string } = {},
): string {
  const title = o.title ?? `Track ${ref}`;
  return `AS02.03\t${block}\t${ref}\tD${ref}\t${isrc}\t${title}\t\tArtist\t\t${o.duration ?? 'PT3M20S'}\tSoundRecording\t${o.iswc ?? ''}\tWriter ${ref}`;
}

function su(
  block: string,
  summary: string,
  rel: string,
  res: string,
  count = '10',
  royalty = 'TRUE',
): string {
  return `SU02.02\t${block}\t${summary}\tT-${rel}${res}\t${rel}\t${res}\t${royalty}\t${count}\t\t\tOnDemandStream`;
}

interface Run {
  outcomes: LineOutcome[];
  summary: FileSummary;
}

function run(
  lines: Array<string | Buffer | { text: string; tooLong: true; byteLength: number }>,
  options: Partial<DsrParserOptions> = {},
): Run {
  const parser = new DsrParser({ fileId: 'F', sender: 'S', ...options });
  let offset = 0;
  const outcomes = lines.map((l, i) => {
    const lineNumber = i + 1;
    let out: LineOutcome;
    if (typeof l === 'string' || Buffer.isBuffer(l)) {
      const bytes = Buffer.isBuffer(l) ? l : Buffer.from(l, 'utf8');
      out = parser.accept({ lineNumber, bytes, byteOffset: offset });
      offset += bytes.length + 1;
    } else {
      const bytes = Buffer.from(l.text);
      out = parser.accept({
        lineNumber,
        bytes,
        byteOffset: offset,
        tooLong: true,
        byteLength: l.byteLength,
      });
      offset += l.byteLength + 1;
    }
    assert.equal(out.lineNumber, lineNumber);
    return out;
  });
  const summary = parser.finish();
  const c = summary.counts;
  assert.equal(c.lines, lines.length);
  assert.equal(c.lines, c.emitted + c.deadLettered + c.context, 'every line is accounted for exactly once');
  assert.equal(outcomes.filter((o) => o.kind === 'usage').length, c.emitted);
  assert.equal(outcomes.filter((o) => o.kind === 'dead').length, c.deadLettered);
  return { outcomes, summary };
}

function deadAt(r: Run, lineNumber: number): DeadOutcome {
  const o = r.outcomes[lineNumber - 1];
  assert.equal(o?.kind, 'dead', `line ${lineNumber} should be dead, got ${JSON.stringify(o)}`);
  return o as DeadOutcome;
}

function usageAt(r: Run, lineNumber: number): UsageLine {
  const o = r.outcomes[lineNumber - 1];
  assert.equal(o?.kind, 'usage', `line ${lineNumber} should be usage, got ${JSON.stringify(o)}`);
  return (o as { value: UsageLine }).value;
}

test('release-level usage carries the release and all resources of the release in its block', () => {
  const r = run([
    HEAD,
    SY,
    re('1', 'R1'),
    as('1', 'A1', 'GBAHT0900441'),
    as('1', 'A2', 'GBAHT0900442'),
    as('1', 'A3', 'GBAHT0900443'),
    su('1', 'S1', 'R1', ''),
    su('1', 'S1', '', 'A2'),
  ]);
  const u = usageAt(r, 7);
  assert.equal(u.release?.releaseRef, 'R1');
  assert.equal(u.release?.label, 'Label R1');
  assert.deepEqual(
    u.resources.map((x) => [x.resourceRef, x.isrc, x.sourceLineNumber]),
    [
      ['A1', 'GBAHT0900441', 4],
      ['A2', 'GBAHT0900442', 5],
      ['A3', 'GBAHT0900443', 6],
    ],
  );
  // resource-level usage gets its one resource and the block's head release
  const v = usageAt(r, 8);
  assert.deepEqual(
    v.resources.map((x) => x.resourceRef),
    ['A2'],
  );
  assert.equal(v.release?.releaseRef, 'R1');
  assert.equal(r.summary.blocks, 1);
});

test('usage of a sub-release (RE02) carries the resources it lists in UsedResources', () => {
  const r = run([
    HEAD,
    SY,
    re('1', 'R1'),
    as('1', 'A1', 'GBAHT0900441'),
    as('1', 'A2', 'GBAHT0900442'),
    as('1', 'A3', 'GBAHT0900443'),
    'RE02\t1\tR2\tSUB9\t\tA3|A1',
    su('1', 'S1', 'R2', ''),
  ]);
  const u = usageAt(r, 8);
  assert.equal(u.release?.releaseRef, 'R2');
  assert.equal(u.release?.dspReleaseId, 'SUB9');
  assert.deepEqual(
    u.resources.map((x) => x.resourceRef),
    ['A3', 'A1'],
  );
});

test('INVALID_ISRC on a resource line; its usage lines are ORPHANED naming the root cause', () => {
  const r = run([
    HEAD,
    SY,
    re('1', 'R1'),
    as('1', 'A1', 'GBAHT0900441'),
    as('1', 'A2', 'GB-AHT-09-0044X'),
    su('1', 'S1', '', 'A2'),
    su('1', 'S1', 'R1', ''),
    su('1', 'S1', '', 'A1'),
  ]);
  const bad = deadAt(r, 5);
  assert.equal(bad.errorClass, 'INVALID_ISRC');
  assert.equal(bad.stage, 'validate');
  assert.equal(bad.cell, 'ISRC');
  assert.equal(bad.recordType, 'AS02.03');
  assert.match(
    bad.message,
    /^AS02\.03 cell 5 \(ISRC\): ISRC "GB-AHT-09-0044X": characters 6-12 \(year and designation\) must be digits, found "X" at position 12$/,
  );
  const orphan = deadAt(r, 6);
  assert.equal(orphan.errorClass, 'ORPHANED');
  assert.equal(orphan.rootCauseLine, 5);
  assert.equal(orphan.cell, 'TransactedResource');
  assert.match(
    orphan.message,
    /^resource A2 \(TransactedResource, cell 6\) in block 1 is line 5 \(AS02\.03\), which was dead-lettered as INVALID_ISRC: /,
  );
  assert.match(orphan.message, /once line 5 is corrected$/);
  // release-level usage needs every resource of the release: orphaned too
  const releaseLevel = deadAt(r, 7);
  assert.equal(releaseLevel.errorClass, 'ORPHANED');
  assert.equal(releaseLevel.rootCauseLine, 5);
  // the sound resource of the block is unaffected
  assert.equal(usageAt(r, 8).resources[0]?.resourceRef, 'A1');
});

test('INVALID_ISWC on a resource line and on a musical-work line; the work orphans its resource usage', () => {
  const r = run([
    HEAD,
    SY,
    as('1', 'A1', 'GBAHT0900441', { iswc: 'T-034.524.680-2' }),
    su('1', 'S1', '', 'A1'),
    'AS01\t2\tB1\tDB1\tGBAHT0900445\tSong',
    'MW01.01\t2\tW1\tT-010.218.472-0\tSong',
    su('2', 'S1', '', 'B1'),
    'AS01\t3\tC1\tDC1\tGBAHT0900446\tOther',
    'MW01.01\t3\tW2\tT-034.524.680-1\tOther\t\tA Writer|B Writer',
    su('3', 'S1', '', 'C1'),
  ]);
  const a = deadAt(r, 3);
  assert.equal(a.errorClass, 'INVALID_ISWC');
  assert.match(a.message, /check digit 2, but the check digit computed from 034524680 is 1/);
  assert.equal(deadAt(r, 4).rootCauseLine, 3);
  const w = deadAt(r, 6);
  assert.equal(w.errorClass, 'INVALID_ISWC');
  assert.equal(w.recordType, 'MW01.01');
  const orphan = deadAt(r, 7);
  assert.equal(orphan.errorClass, 'ORPHANED');
  assert.equal(orphan.rootCauseLine, 6);
  assert.match(
    orphan.message,
    /^the musical work of resource B1 in block 2 is line 6 \(MW01\.01\), which was dead-lettered as INVALID_ISWC/,
  );
  const ok = usageAt(r, 10);
  assert.equal(ok.resources[0]?.iswc, 'T0345246801');
  assert.deepEqual(ok.resources[0]?.composers, ['A Writer', 'B Writer']);
});

test('INVALID_NUMBER on a usage count, and on a summary revenue (which orphans all its usage)', () => {
  const r1 = run([HEAD, SY, as('1', 'A1', 'GBAHT0900441'), su('1', 'S1', '', 'A1', '12x')]);
  const d = deadAt(r1, 4);
  assert.equal(d.errorClass, 'INVALID_NUMBER');
  assert.equal(d.cell, 'NumberOfStreams');
  assert.equal(
    d.message,
    `SU02.02 cell 8 (NumberOfStreams) is "12x"; expected a number of usages such as 120 (digits, '.' before a decimal part)`,
  );

  const badSummary = 'SY01.02\tS2\t\t\tSubscriptionModel\t\tGB\tSvc\t100\t\tGBP\t5000,00';
  const r2 = run([
    HEAD,
    SY,
    badSummary,
    as('1', 'A1', 'GBAHT0900441'),
    su('1', 'S2', '', 'A1'),
    su('1', 'S1', '', 'A1'),
  ]);
  const s = deadAt(r2, 3);
  assert.equal(s.errorClass, 'INVALID_NUMBER');
  assert.equal(s.cell, 'NetRevenue');
  assert.match(
    s.message,
    /cell 12 \(NetRevenue\) is "5000,00"; expected a decimal number such as 5000\.00 \(the decimal separator must be '\.'/,
  );
  const o = deadAt(r2, 5);
  assert.equal(o.errorClass, 'ORPHANED');
  assert.equal(o.rootCauseLine, 3);
  assert.equal(o.cell, 'SummaryRecordId');
  assert.match(
    o.message,
    /^summary record S2 \(SummaryRecordId, cell 3\) is line 3 \(SY01\.02\), which was dead-lettered as INVALID_NUMBER/,
  );
  assert.equal(usageAt(r2, 6).summary?.summaryRecordId, 'S1');
  // the dead summary line still counts for the FOOT check
  assert.equal(r2.summary.summaryRecords, 2);
});

test('INVALID_DATE, INVALID_DURATION and INVALID_BOOLEAN', () => {
  const ugcSummary = 'SY02.01\t1\t\t\tAdvertisementSupportedModel\tStream\tIS\tAdSupport\t100\t\tUSD\t1.0';
  const r = run([
    HEAD,
    ugcSummary,
    'AS01\t1\tV1\tV1\tUSSM19803037\tSong\t\tArtist\t\tPT0H0M0S\tSoundRecording',
    'SU03.01\t1\tU1\t1\tV1\t7810\t2.0\t20151341\t20151231',
    as('2', 'A1', 'GBAHT0900441', { duration: '3 minutes' }),
    as('3', 'A1', 'GBAHT0900441'),
    su('3', '1', '', 'A1', '5', 'maybe'),
  ]);
  const date = deadAt(r, 4);
  assert.equal(date.errorClass, 'INVALID_DATE');
  assert.equal(date.cell, 'ValidityPeriodStart');
  assert.match(date.message, /^SU03\.01 cell 8 \(ValidityPeriodStart\) is "20151341"; expected a real date/);
  const duration = deadAt(r, 5);
  assert.equal(duration.errorClass, 'INVALID_DURATION');
  assert.match(
    duration.message,
    /cell 10 \(Duration\) is "3 minutes"; expected an ISO 8601 duration such as PT3M20S/,
  );
  const bool = deadAt(r, 7);
  assert.equal(bool.errorClass, 'INVALID_BOOLEAN');
  assert.equal(bool.cell, 'IsRoyaltyBearing');
});

test('MISSING_REQUIRED_CELL: an empty key, or neither release nor resource named', () => {
  const r = run([
    HEAD,
    SY,
    as('1', 'A1', 'GBAHT0900441'),
    su('1', '', '', 'A1'),
    su('1', 'S1', '', ''),
    'AS02.03\t1\t\tDX\tGBAHT0900449\tNo reference',
  ]);
  const a = deadAt(r, 4);
  assert.equal(a.errorClass, 'MISSING_REQUIRED_CELL');
  assert.equal(a.cell, 'SummaryRecordId');
  assert.equal(a.message, 'SU02.02 cell 3 (SummaryRecordId) is empty; it is required');
  const b = deadAt(r, 5);
  assert.equal(b.errorClass, 'MISSING_REQUIRED_CELL');
  assert.match(
    b.message,
    /names neither a release \(TransactedRelease, cell 5\) nor a resource \(TransactedResource, cell 6\)/,
  );
  const c = deadAt(r, 6);
  assert.equal(c.errorClass, 'MISSING_REQUIRED_CELL');
  assert.equal(c.cell, 'ResourceReference');
});

test('WRONG_CELL_COUNT: a non-empty cell beyond the definition, or a required cell cut off', () => {
  const padded = `${su('1', 'S1', '', 'A1')}\t\t\t\t\t\t`;
  const extra = `${su('1', 'S1', '', 'A1')}\tsurprise`;
  const short = 'SU02.02\t1\tS1\tT9\t\tA1\tTRUE';
  const r = run([HEAD, SY, as('1', 'A1', 'GBAHT0900441'), padded, extra, short]);
  assert.equal(usageAt(r, 4).usages, 10);
  const e = deadAt(r, 5);
  assert.equal(e.errorClass, 'WRONG_CELL_COUNT');
  assert.equal(e.stage, 'parse');
  assert.equal(e.cell, 'Cell12');
  assert.match(
    e.message,
    /^SU02\.02 has 12 cells but 11 are defined; cell 12 holds "surprise" where no cell is defined/,
  );
  const s = deadAt(r, 6);
  assert.equal(s.errorClass, 'WRONG_CELL_COUNT');
  assert.equal(s.message, 'SU02.02 has only 7 cells; the required cell NumberOfStreams is cell 8 of 11');
});

test('a line shorter than its definition is fine when only optional trailing cells are missing', () => {
  const r = run([HEAD, SY, 'AS02.03\t1\tA1\tDA1\tGBAHT0900441\tShort', 'SU02.02\t1\tS1\tT1\t\tA1\tTRUE\t7']);
  const u = usageAt(r, 4);
  assert.equal(u.usages, 7);
  assert.equal(u.resources[0]?.title, 'Short');
  assert.equal(u.useType, null);
  assert.ok(
    r.summary.warnings.some((w) =>
      w.startsWith('AS02.03: 1 line has fewer cells than the 24 defined (line 3; fewest 6)'),
    ),
  );
  assert.ok(
    r.summary.warnings.some((w) => w.startsWith('SU02.02: 1 line has fewer cells than the 11 defined')),
  );
});

test('UNKNOWN_RECORD_TYPE, with a hint for lines that are not tab-separated', () => {
  const r = run([HEAD, SY, 'ZZ99\t1\tx', 'SU02.02 1 S1 T1  A1 TRUE 5']);
  const a = deadAt(r, 3);
  assert.equal(a.errorClass, 'UNKNOWN_RECORD_TYPE');
  assert.equal(a.stage, 'parse');
  assert.equal(a.recordType, 'ZZ99');
  assert.match(a.message, /^unknown record type "ZZ99"; known record types are HEAD, FHEA, FOOT/);
  const b = deadAt(r, 4);
  assert.match(b.message, /the line has no TAB at all: is the file tab-separated\?/);
});

test('UNKNOWN_REFERENCE for a resource, a release and a summary that do not exist', () => {
  const r = run([
    HEAD,
    SY,
    re('1', 'R1'),
    as('1', 'A1', 'GBAHT0900441'),
    as('1', 'A2', 'GBAHT0900442'),
    su('1', 'S1', '', 'A9'),
    su('1', 'S1', 'R9', ''),
    su('1', 'S7', '', 'A1'),
    su('2', 'S1', '', 'A1'),
  ]);
  const res = deadAt(r, 6);
  assert.equal(res.errorClass, 'UNKNOWN_REFERENCE');
  assert.equal(res.cell, 'TransactedResource');
  assert.equal(
    res.message,
    'SU02.02 refers to resource "A9" (TransactedResource, cell 6), but block 1 has no resource with that ResourceReference (its resources: A1, A2)',
  );
  const rel = deadAt(r, 7);
  assert.equal(rel.cell, 'TransactedRelease');
  assert.match(
    rel.message,
    /release "R9" \(TransactedRelease, cell 5\), but block 1 has no release with that ReleaseReference \(its releases: R1\)/,
  );
  const sum = deadAt(r, 8);
  assert.equal(
    sum.message,
    'SU02.02 cell 3 (SummaryRecordId) is "S7", but no summary record has that id (summary ids in this file: S1)',
  );
  // references are block-local: A1 of block 1 is unknown in block 2
  const other = deadAt(r, 9);
  assert.equal(other.errorClass, 'UNKNOWN_REFERENCE');
  assert.match(
    other.message,
    /block 2 has no resource with that ResourceReference \(the block has no resource records\)/,
  );
});

test('ORPHANED when the release line of the block was dead-lettered', () => {
  const badRelease = 'RE01.02\t1\tR1\tDR1\t\t\t825646846917\tArtist\t\tAlbum\t\tAlbum\tLabel\t\t\t2020-13-45';
  const r = run([
    HEAD,
    SY,
    badRelease,
    as('1', 'A1', 'GBAHT0900441'),
    su('1', 'S1', 'R1', ''),
    su('1', 'S1', '', 'A1'),
  ]);
  assert.equal(deadAt(r, 3).errorClass, 'INVALID_DATE');
  const a = deadAt(r, 5);
  assert.equal(a.errorClass, 'ORPHANED');
  assert.equal(a.rootCauseLine, 3);
  assert.match(
    a.message,
    /^release R1 \(TransactedRelease, cell 5\) in block 1 is line 3 \(RE01\.02\), which was dead-lettered as INVALID_DATE/,
  );
  // a resource-level usage needs its block's release as context too
  const b = deadAt(r, 6);
  assert.equal(b.errorClass, 'ORPHANED');
  assert.equal(b.rootCauseLine, 3);
});

test('INVALID_UTF8: offsets in the line and in the file; dependants are orphaned', () => {
  const title = Buffer.from([0x43, 0x61, 0x66, 0xe9]); // "Caf\xE9" in Latin-1
  const latin1Resource = Buffer.concat([
    Buffer.from('AS02.03\t1\tA1\tDA1\tGBAHT0900441\t'),
    title,
    Buffer.from('\t\tArtist'),
  ]);
  const lines = [HEAD, SY, latin1Resource, su('1', 'S1', '', 'A1')];
  const r = run(lines);
  const d = deadAt(r, 3);
  assert.equal(d.errorClass, 'INVALID_UTF8');
  assert.equal(d.stage, 'parse');
  assert.equal(d.cell, 'Title');
  assert.deepEqual(d.bytes, latin1Resource);
  const fileOffset = Buffer.byteLength(HEAD) + 1 + Buffer.byteLength(SY) + 1;
  assert.equal(d.byteOffset, fileOffset);
  assert.equal(
    d.message,
    `invalid UTF-8: byte 0xE9 at byte 33 of the line (byte ${fileOffset + 33} of the file), in cell 6 (Title) of a AS02.03 record; ` +
      'DSR files must be UTF-8 (a byte like this usually means the text was written as Latin-1 or Windows-1252)',
  );
  const o = deadAt(r, 4);
  assert.equal(o.errorClass, 'ORPHANED');
  assert.equal(o.rootCauseLine, 3);
  assert.match(o.message, /dead-lettered as INVALID_UTF8/);
});

test('LINE_TOO_LONG: from the line reader flag or the parser limit; dependants are orphaned', () => {
  const long = as('1', 'A1', 'GBAHT0900441', { title: 'x'.repeat(300) });
  const r = run(
    [
      HEAD,
      SY,
      { text: long.slice(0, 100), tooLong: true, byteLength: long.length },
      su('1', 'S1', '', 'A1'),
      long,
      as('2', 'B1', 'GBAHT0900441'),
      su('2', 'S1', '', 'B1'),
    ],
    { maxLineBytes: 200 },
  );
  const a = deadAt(r, 3);
  assert.equal(a.errorClass, 'LINE_TOO_LONG');
  assert.equal(a.stage, 'parse');
  assert.equal(
    a.message,
    `line is ${long.length} bytes long, over the limit of 200 bytes (record type AS02.03); only its first 100 bytes are kept in this dead letter`,
  );
  const o = deadAt(r, 4);
  assert.equal(o.errorClass, 'ORPHANED');
  assert.equal(o.rootCauseLine, 3);
  const b = deadAt(r, 5);
  assert.equal(b.errorClass, 'LINE_TOO_LONG');
  assert.equal(b.bytes.length, 200);
  assert.equal(usageAt(r, 7).resources[0]?.resourceRef, 'B1');
});

test('an unreadable line inside a block makes an unresolved reference ORPHANED (likely cause), not UNKNOWN_REFERENCE', () => {
  const r = run([HEAD, SY, as('1', 'A1', 'GBAHT0900441'), 'AS0X\t1\tA2\tDA2', su('1', 'S1', '', 'A2')]);
  assert.equal(deadAt(r, 4).errorClass, 'UNKNOWN_RECORD_TYPE');
  const o = deadAt(r, 5);
  assert.equal(o.errorClass, 'ORPHANED');
  assert.equal(o.rootCauseLine, 4);
  assert.match(o.message, /not defined by any readable line of block 1; the likely definition is line 4/);
});

test('fileError: the first record must be a HEAD', () => {
  const csv = run(['ISRC,Title,Artist,Plays', 'GBAHT0900445,Aniron,Enya,120']);
  assert.equal(
    csv.summary.fileError,
    'not a DSR flat file: the first record (line 1) is "ISRC,Title,Artist,Plays", expected a HEAD record',
  );
  const noHead = run([SY, as('1', 'A1', 'GBAHT0900441')]);
  assert.match(noHead.summary.fileError ?? '', /first record \(line 1\) is "SY01\.02/);
  assert.equal(run([]).summary.fileError, 'not a DSR flat file: it has no records at all');
  const spaces = run(['HEAD  ID1 UgcProfile 2']);
  assert.match(spaces.summary.fileError ?? '', /starts with HEAD but is not tab-separated/);
  // headings, comments and blank lines may precede the HEAD
  const ok = run(['#HEAD\tMessageVersion\tProfile', '', HEAD, SY]);
  assert.equal(ok.summary.fileError, null);
  assert.deepEqual(
    ok.outcomes.map((o) => (o.kind === 'context' ? o.recordType : o.kind)),
    ['#HEAD', '', 'HEAD', 'SY01.02'],
  );
});

test('the parser exposes fileError as soon as the first record is seen', () => {
  const s = new DsrParser({ fileId: 'F', sender: 'S' });
  s.accept({ lineNumber: 1, bytes: Buffer.from('Title,Artist'), byteOffset: 0 });
  assert.match(s.fileError ?? '', /^not a DSR flat file/);
});

test('footerCheck: OK, NO_FOOTER, and each disagreeing cell named', () => {
  const body = [
    HEAD,
    SY,
    as('1', 'A1', 'GBAHT0900441'),
    su('1', 'S1', '', 'A1'),
    as('2', 'B1', 'GBAHT0900442'),
    su('2', 'S1', '', 'B1'),
  ];
  assert.equal(run([...body, 'FOOT\t7\t7\t1\t2\t2']).summary.footerCheck, 'OK');
  assert.equal(run(body).summary.footerCheck, 'NO_FOOTER');
  assert.equal(
    run([...body, 'FOOT\t9\t\t3\t2']).summary.footerCheck,
    'NumberOfLinesInFile: FOOT says 9, the file has 7; NumberOfSummaryRecords: FOOT says 3, the file has 1',
  );
  assert.equal(
    run([...body, 'FOOT\t7\t7\t1\t2\t94']).summary.footerCheck,
    'NumberOfBlocksInReport: FOOT says 94, the file has 2',
  );
  // in a multi-file report the …InReport cells cannot be checked from one file
  const multi = HEAD.replace('\t1\t1\t2020-06-01', '\t1\t3\t2020-06-01');
  assert.equal(run([multi, ...body.slice(1), 'FOOT\t7\t300\t1\t2\t94']).summary.footerCheck, 'OK');
  assert.equal(
    run([...body, 'FOOT\tseven\t\t1\t2']).summary.footerCheck,
    'NumberOfLinesInFile: "seven" is not a number',
  );
});

test('a # heading maps cells by name for its record type and overrides the built-in layout', () => {
  const r = run([
    HEAD,
    SY,
    '#SU02.02\tBlockId\tSummaryRecordId\tTransactedResource\tNumberOfStreams\tSalesTransactionId\tPromotionalActivity',
    as('1', 'A1', 'GBAHT0900441'),
    'SU02.02\t1\tS1\tA1\t42\tTX1\tSummer campaign',
    'SU02\t1\tS1\tT2\t\tA1\tTRUE\t10',
  ]);
  const u = usageAt(r, 5);
  assert.equal(u.usages, 42);
  assert.equal(u.salesTransactionId, 'TX1');
  assert.deepEqual(u.extra, {
    BlockId: '1',
    PromotionalActivity: 'Summer campaign',
    'summary.ServiceDescription': 'Svc',
  });
  // SU02 (unversioned) is not covered by the #SU02.02 heading
  assert.equal(usageAt(r, 6).usages, 10);
  assert.ok(
    r.summary.warnings.some((w) =>
      w.startsWith('line 3: the #SU02.02 heading differs from the built-in SU02.02 layout'),
    ),
  );
});

test('a commented-out record is not mistaken for a heading', () => {
  const r = run([
    HEAD,
    SY,
    as('1', 'A1', 'GBAHT0900441'),
    '#SU02.02\t1\tS1\tT0\t\tA1\tTRUE\t999',
    su('1', 'S1', '', 'A1'),
  ]);
  assert.deepEqual(r.outcomes[3], { kind: 'context', lineNumber: 4, recordType: '#SU02.02' });
  assert.equal(usageAt(r, 5).usages, 10);
  assert.equal(r.summary.counts.context, 4);
});

test('an unknown version is read with the nearest known one, with a warning', () => {
  const r = run([
    HEAD,
    SY,
    as('1', 'A1', 'GBAHT0900441'),
    su('1', 'S1', '', 'A1').replace('SU02.02', 'SU02.07'),
  ]);
  assert.equal(usageAt(r, 4).recordType, 'SU02.07');
  assert.equal(usageAt(r, 4).usages, 10);
  assert.ok(
    r.summary.warnings.includes(
      'record type SU02.07 is not a version this parser knows; it is read with the SU02.02 layout',
    ),
  );
});

test('events already emitted are not changed by later lines of the block', () => {
  const r = run([
    HEAD,
    SY,
    'AS01\t1\tA1\tDA1\tGBAHT0900441\tSong',
    su('1', 'S1', '', 'A1'),
    'MW01.01\t1\tW1\tT-034.524.680-1\tSong\t\tA Writer',
    su('1', 'S1', '', 'A1'),
  ]);
  assert.equal(usageAt(r, 4).resources[0]?.iswc, null);
  assert.deepEqual(usageAt(r, 4).resources[0]?.composers, []);
  assert.equal(usageAt(r, 6).resources[0]?.iswc, 'T0345246801');
  assert.deepEqual(usageAt(r, 6).resources[0]?.composers, ['A Writer']);
});

test('usage counts: fractional UGC usages are rounded and kept exactly in extra', () => {
  const r = run([
    HEAD,
    'SY02.01\t1\t\t\tAdvertisementSupportedModel\tStream\tIS\tAdSupport\t100\t\tUSD\t1.0',
    'AS01\t1\tV1\tV1\tUSSM19803037\tSong',
    'SU03.01\t1\tU1\t1\tV1\t400.25\t2.0\t20151001\t20151231',
    'RU01\t1\t1\tvid1|vid2|vid3\t4323|2334|276',
    'RU01\t1\t1\tvid1|vid2\t12|x',
  ]);
  const u = usageAt(r, 4);
  assert.equal(u.usages, 400);
  assert.equal(u.extra.Usages, '400.25');
  assert.deepEqual(r.outcomes[4], { kind: 'context', lineNumber: 5, recordType: 'RU01' });
  const bad = deadAt(r, 6);
  assert.equal(bad.errorClass, 'INVALID_NUMBER');
  assert.match(bad.message, /RU01 cell 5 \(Usages\) is "x"/);
});

test('blank lines and a byte order mark are context; extra keeps unmapped non-empty cells', () => {
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(HEAD)]);
  const r = run([
    bom,
    '',
    SY,
    as('1', 'A1', 'GBAHT0900441'),
    `SU02.02\t1\tS1\tT1\t\tA1\tFALSE\t3\t0.99\tPromo\t`,
    '\t\t\t',
  ]);
  assert.equal(r.summary.fileError, null);
  assert.deepEqual(r.outcomes[1], { kind: 'context', lineNumber: 2, recordType: '' });
  assert.deepEqual(r.outcomes[5], { kind: 'context', lineNumber: 6, recordType: '' });
  const u = usageAt(r, 5);
  assert.equal(u.isRoyaltyBearing, false);
  assert.equal(u.priceConsumerPaid, '0.99');
  assert.equal(u.useType, null);
  assert.deepEqual(u.extra, {
    BlockId: '1',
    PromotionalActivity: 'Promo',
    'summary.ServiceDescription': 'Svc',
  });
  assert.ok(r.summary.warnings.some((w) => /byte order mark/.test(w)));
});

test('warnings are capped, the rest counted', () => {
  const lines = [HEAD, SY, as('1', 'A1', 'GBAHT0900441')];
  // ten record types with unknown versions (one warning each), plus short SY01.02 and AS02.03 lines
  for (let i = 0; i < 10; i++) lines.push(su('1', 'S1', '', 'A1').replace('SU02.02', `SU02.${10 + i}`));
  const r = run(lines, { maxWarnings: 3 });
  assert.equal(r.summary.counts.emitted, 10);
  assert.equal(r.summary.warnings.length, 4);
  assert.equal(
    r.summary.warnings[0],
    'record type SU02.10 is not a version this parser knows; it is read with the SU02.02 layout',
  );
  assert.equal(r.summary.warnings[3], '… and 9 more warnings');
});

test('a HEAD with invalid UTF-8 is read with replacement characters, not dead-lettered', () => {
  const latin1Head = Buffer.from(HEAD.replace('\tSender\t', '\tCaf\u00e9 Records\t'), 'latin1');
  const r = run([latin1Head, SY, as('1', 'A1', 'GBAHT0900441'), su('1', 'S1', '', 'A1')]);
  assert.equal(r.summary.fileError, null);
  assert.equal(r.summary.head?.senderName, 'Caf\ufffd Records');
  assert.equal(r.summary.counts.deadLettered, 0);
  assert.ok(
    r.summary.warnings.some((w) => /^line 1: invalid UTF-8: byte 0xE9 .* in cell 12 \(SenderName\)/.test(w)),
  );
});

test('CR-only line ends make the file unreadable as DSR', () => {
  const r = run([`${HEAD}\r${SY}\r${as('1', 'A1', 'GBAHT0900441')}`]);
  assert.match(r.summary.fileError ?? '', /contains a carriage return at byte \d+ that does not end a line/);
});
