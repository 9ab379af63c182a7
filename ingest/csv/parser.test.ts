import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { UsageLine } from '../../core/schemas/index.ts';
import {
  REPORTS_DIR,
  generateCsvBuffer,
  type CsvOptions,
  Rng,
  type CsvGroundTruth,
} from '../../fixtures/index.ts';
import type { ContextOutcome, DeadOutcome, LineOutcome } from '../dsr/types.ts';
import { parseCsvMapping, type CsvMapping } from './mapping.ts';
import { parseCsvStream } from './parse-stream.ts';
import type { CsvFileSummary, CsvParserOptions } from './parser.ts';

const FIXTURE = 'ACMESTREAM_2020-06_usage_20200703T075930.csv';

interface Result {
  outcomes: LineOutcome[];
  summary: CsvFileSummary;
  usage: UsageLine[];
  dead: DeadOutcome[];
  context: ContextOutcome[];
}

async function* chunked(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function collect(
  source: AsyncIterable<Uint8Array | string>,
  mapping: CsvMapping,
  options: Partial<CsvParserOptions> = {},
): Promise<Result> {
  const gen = parseCsvStream(source, { fileId: 'F', sender: mapping.sender, mapping, ...options });
  const outcomes: LineOutcome[] = [];
  let r = await gen.next();
  while (!r.done) {
    outcomes.push(r.value);
    r = await gen.next();
  }
  const summary = r.value;
  const usage = outcomes.flatMap((o) => (o.kind === 'usage' ? [o.value] : []));
  const dead = outcomes.filter((o): o is DeadOutcome => o.kind === 'dead');
  const context = outcomes.filter((o): o is ContextOutcome => o.kind === 'context');
  // the invariant, checked on every run
  const c = summary.counts;
  assert.equal(c.lines, c.emitted + c.deadLettered + c.context, 'lines == emitted + deadLettered + context');
  assert.equal(c.lines, outcomes.length, 'one outcome per counted line');
  assert.equal(c.emitted, usage.length);
  assert.equal(c.deadLettered, dead.length);
  assert.equal(c.context, context.length);
  const byClass: Record<string, number> = {};
  for (const d of dead) byClass[d.errorClass] = (byClass[d.errorClass] ?? 0) + 1;
  assert.deepEqual(summary.deadByClass, byClass);
  for (let i = 1; i < outcomes.length; i++) {
    assert.ok(
      (outcomes[i] as LineOutcome).lineNumber > (outcomes[i - 1] as LineOutcome).lineNumber,
      'in line order',
    );
  }
  return { outcomes, summary, usage, dead, context };
}

function run(
  input: string | Buffer,
  mapping: CsvMapping,
  options: Partial<CsvParserOptions> = {},
  chunkSize = 13,
): Promise<Result> {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  return collect(chunked(buf, chunkSize), mapping, options);
}

function deadLines(r: Result) {
  return r.dead.map((d) => ({
    lineNumber: d.lineNumber,
    errorClass: d.errorClass,
    recordType: d.recordType,
  }));
}

const MAP = parseCsvMapping({
  sender: 'TEST',
  columns: {
    ISRC: 'isrc',
    Title: 'title',
    Artist: 'displayArtists',
    Plays: 'usages',
    Territory: 'territory',
    Start: 'periodStart',
    End: 'periodEnd',
    Revenue: 'priceConsumerPaid',
    ISWC: 'iswc',
    Length: 'durationSeconds',
  },
});
const HEADER = 'ISRC,Title,Artist,Plays,Territory,Start,End,Revenue,ISWC,Length,Store';

interface RowValues {
  isrc?: string;
  title?: string;
  artist?: string;
  plays?: string;
  territory?: string;
  start?: string;
  end?: string;
  revenue?: string;
  iswc?: string;
  length?: string;
  store?: string;
}

function row(v: RowValues = {}): string {
  return [
    v.isrc ?? 'GBAHT0900445',
    v.title ?? 'Song',
    v.artist ?? 'Someone',
    v.plays ?? '10',
    v.territory ?? 'GB',
    v.start ?? '2020-06-01',
    v.end ?? '2020-06-30',
    v.revenue ?? '0.1234',
    v.iswc ?? '',
    v.length ?? '',
    v.store ?? 'Premium',
  ].join(',');
}

// ---------------------------------------------------------------------------------------------
// the committed fixture and generated files

test('the committed fixture CSV gives exactly its truth', async () => {
  const file = path.join(REPORTS_DIR, FIXTURE);
  const truth = JSON.parse(readFileSync(`${file}.truth.json`, 'utf8')) as CsvGroundTruth;
  const mapping = parseCsvMapping(JSON.parse(readFileSync(`${file}.mapping.json`, 'utf8')));
  const r = await collect(createReadStream(file), mapping, { fileId: 'acme' });
  assert.equal(r.summary.fileError, null);
  assert.deepEqual(r.summary.counts, {
    lines: truth.lines,
    emitted: truth.expected.emitted,
    deadLettered: truth.expected.deadLettered,
    context: truth.expected.context,
  });
  assert.deepEqual(deadLines(r), truth.deadLines);
  assert.equal(
    r.usage.reduce((s, u) => s + u.usages, 0),
    truth.emittedPlays,
  );
  assert.equal(r.summary.headerLine, truth.headerLine);
  assert.equal(r.summary.physicalLines, truth.lines);
  assert.deepEqual(r.summary.warnings, []);
  assert.deepEqual(
    r.context.map((c) => c.recordType),
    ['PREAMBLE', 'PREAMBLE', 'PREAMBLE', 'PREAMBLE', 'PREAMBLE', 'HEADER'],
  );

  // dead letters hold the line's bytes exactly, at its offset in the file
  const bytes = readFileSync(file);
  for (const d of r.dead) {
    const end = bytes.indexOf(0x0a, d.byteOffset);
    assert.ok(d.bytes.equals(bytes.subarray(d.byteOffset, end - 1)), `line ${d.lineNumber}`);
    assert.equal(d.recordType, 'CSV');
    assert.ok(d.cell === 'ISRC' || d.cell === 'Plays');
  }
  const first = r.usage[0] as UsageLine;
  assert.equal(first.lineId, 'acme:7');
  assert.equal(first.lineNumber, 7);
  assert.equal(first.format, 'CSV');
  assert.equal(first.recordType, 'CSV');
  assert.equal(first.sender, 'ACMESTREAM');
  assert.equal(first.periodStart, '2020-06-01');
  assert.equal(first.periodEnd, '2020-06-30');
  assert.match(first.priceConsumerPaid ?? '', /^\d+\.\d{4}$/);
  assert.deepEqual(Object.keys(first.extra).sort(), ['Album', 'Store']);
  assert.equal(first.resources.length, 1);
  assert.equal(first.resources[0]?.sourceLineNumber, 7);
  for (const u of r.usage) assert.match(u.resources[0]?.isrc ?? '', /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/);
  // quoted cells: artists with a comma (line 8), an album with doubled quotes (line 34)
  const line8 = r.usage.find((u) => u.lineNumber === 8);
  assert.deepEqual(line8?.resources[0]?.displayArtists, ['Salt, Pepper & Co.', 'Νεφέλη']);
  assert.equal(r.usage.find((u) => u.lineNumber === 34)?.extra.Album, 'The "Real" Thing');
});

test('generated files of every shape give their truth', async () => {
  const configs: CsvOptions[] = [
    { seed: 1, rows: 2000, corruptionRate: 0.05 },
    { seed: 2, rows: 2000, corruptionRate: 0.1, bom: true },
    { seed: 3, rows: 2000, corruptionRate: 0.1, preamble: false, lineEnding: '\n', finalNewline: false },
    { seed: 4, rows: 500, corruptionRate: 0.3, quoteAll: true, preamble: ['Report', 'x,"y'] },
    { seed: 5, rows: 500, corruptionRate: 0.2, corruptionKinds: ['BAD_ISRC'], isrcVariantRate: 1 },
    { seed: 8, rows: 300, corruptionRate: 0.1, quoteAll: true, bom: true, preamble: false },
    { seed: 6, rows: 0 },
    { seed: 7, rows: 0, preamble: false, finalNewline: false },
  ];
  for (const opts of configs) {
    const { content, truth, mapping } = generateCsvBuffer(opts);
    const r = await run(content, mapping, {}, 4096);
    const label = JSON.stringify(opts);
    assert.equal(r.summary.fileError, null, label);
    assert.deepEqual(deadLines(r), truth.deadLines, label);
    assert.deepEqual(
      r.summary.counts,
      {
        lines: truth.lines,
        emitted: truth.expected.emitted,
        deadLettered: truth.expected.deadLettered,
        context: truth.expected.context,
      },
      label,
    );
    assert.equal(
      r.usage.reduce((s, u) => s + u.usages, 0),
      truth.emittedPlays,
      label,
    );
  }
});

test('the outcomes do not depend on how the stream is chunked', async () => {
  const { content, mapping } = generateCsvBuffer({
    seed: 'chunks',
    rows: 300,
    corruptionRate: 0.1,
    bom: true,
  });
  const withBreak = Buffer.concat([content, Buffer.from('GBAHT0900445,"multi\r\nline",x\r\n')]);
  const whole = await run(withBreak, mapping, {}, withBreak.length);
  for (const size of [1, 2, 3, 64, 1000]) {
    const r = await run(withBreak, mapping, {}, size);
    assert.deepEqual(r.outcomes, whole.outcomes, `chunk size ${size}`);
    assert.deepEqual(r.summary, whole.summary, `chunk size ${size}`);
  }
});

test('differential: records spanning lines are read as csv-parse reads the whole file', async () => {
  const rng = new Rng('multiline');
  const cell = (): string =>
    rng.pick([
      'plain',
      '',
      '""',
      '"a, b"',
      '"say ""hi"""',
      '"two\nlines"',
      '"two\r\nlines, crlf"',
      '"three\n\nlines"',
      '12" Mix',
      'é€',
    ]);
  const mapping = parseCsvMapping({ sender: 'T', columns: { Plays: 'usages' } });
  for (let f = 0; f < 20; f++) {
    const eol = f % 2 === 0 ? '\r\n' : '\n';
    let text = `Plays,A,B,C${eol}`;
    for (let i = 0; i < 200; i++) text += `${i + 1},${cell()},${cell()},${cell()}${eol}`;
    const expected = parse(text, {
      columns: true,
      relax_quotes: true,
      record_delimiter: ['\r\n', '\n'],
    }) as Record<string, string>[];
    const r = await run(text, mapping, {}, 97);
    assert.equal(r.dead.length, 0);
    assert.equal(r.usage.length, 200);
    const got = r.usage.map((u) => ({
      Plays: String(u.usages),
      A: u.extra.A ?? '',
      B: u.extra.B ?? '',
      C: u.extra.C ?? '',
    }));
    assert.deepEqual(got, expected);
    // line numbers: each record starts where the previous one ended
    let line = 2;
    for (let i = 0; i < r.usage.length; i++) {
      const u = r.usage[i] as UsageLine;
      assert.equal(u.lineNumber, line);
      const rec = expected[i] as Record<string, string>;
      line += 1 + [rec.A, rec.B, rec.C].join('').split('\n').length - 1;
    }
    assert.equal(r.summary.physicalLines, line - 1);
  }
});

// ---------------------------------------------------------------------------------------------
// layout: BOM, preamble, header search, quoting, line breaks, delimiters

test('a BOM is stripped; one the mapping does not expect is warned about', async () => {
  const text = `\uFEFF${HEADER}\r\n${row()}\r\n`;
  const r = await run(text, MAP);
  assert.equal(r.usage.length, 1);
  assert.deepEqual(r.summary.columns[0], 'ISRC');
  assert.deepEqual(r.summary.warnings, []);
  const strict = await run(text, { ...MAP, bom: false });
  assert.equal(strict.usage.length, 1);
  assert.match(strict.summary.warnings.join('\n'), /byte order mark/);
  const none = await run(`${HEADER}\n${row()}\n`, MAP);
  assert.equal(none.usage.length, 1);
  // a quoted first header name right after the BOM
  const quoted = await run(`\uFEFF"ISRC",${HEADER.slice(5)}\n${row()}\n`, MAP);
  assert.equal(quoted.summary.fileError, null);
  assert.equal(quoted.summary.columns[0], 'ISRC');
});

test('preamble lines before headerLine are context, the header row too', async () => {
  const text = `Statement, June\r\n"Quoted ""preamble"", with an open quote\r\n\r\n${HEADER}\r\n${row()}\r\n${row({ plays: '7' })}\r\n`;
  const r = await run(text, { ...MAP, headerLine: 4 });
  assert.equal(r.summary.fileError, null);
  assert.deepEqual(
    r.context.map((c) => [c.lineNumber, c.recordType]),
    [
      [1, 'PREAMBLE'],
      [2, 'PREAMBLE'],
      [3, 'PREAMBLE'],
      [4, 'HEADER'],
    ],
  );
  assert.deepEqual(
    r.usage.map((u) => [u.lineNumber, u.usages]),
    [
      [5, 10],
      [6, 7],
    ],
  );
});

test('findHeader: the header is the first line holding every mapped column, whatever the preamble', async () => {
  const mapping: CsvMapping = { ...MAP, findHeader: { rule: 'all-mapped-columns', maxLines: 10 } };
  for (const preamble of [[], ['Report'], ['Report', 'ISRC,Title', '', 'Rows,2']]) {
    const text = [...preamble, HEADER, row(), row({ isrc: 'XX12' })].join('\n');
    const r = await run(text, mapping);
    const h = preamble.length + 1;
    assert.equal(r.summary.fileError, null);
    assert.equal(r.summary.headerLine, h);
    assert.deepEqual(deadLines(r), [{ lineNumber: h + 2, errorClass: 'INVALID_ISRC', recordType: 'CSV' }]);
    assert.equal(r.summary.counts.context, h);
  }
  // no such line among the first maxLines: refused, naming the closest line and what it lacks
  const lines = ['a', 'b', 'ISRC,Title,Artist,Territory', ...Array.from({ length: 20 }, () => 'x')];
  const r = await run(lines.join('\n'), mapping);
  assert.match(r.summary.fileError ?? '', /no header row: none of lines 1–10 contains all mapped columns/);
  assert.match(r.summary.fileError ?? '', /the closest, line 3, lacks "Plays", "Start"/);
  assert.equal(r.outcomes.length, 0);
  const short = await run('a\nISRC,Title\n', mapping);
  assert.match(
    short.summary.fileError ?? '',
    /none of lines 1–2 contains all mapped columns.*the closest, line 2, lacks "Artist"/,
  );
  const before = await run('a\nb\n', { ...mapping, headerLine: 4 });
  assert.match(
    before.summary.fileError ?? '',
    /the file ends at line 2, before line 4 where the search for the header row starts/,
  );
});

test('a mapped column missing from the header refuses the file and names the column', async () => {
  const r = await run(`ISRC,Title,Artist,Territory,Start,End,Revenue,ISWC,Length\n${row()}\n`, MAP);
  assert.match(r.summary.fileError ?? '', /the header row \(line 1\) lacks the mapped column\(s\) "Plays"/);
  assert.match(r.summary.fileError ?? '', /its columns are "ISRC", "Title"/);
  assert.equal(r.outcomes.length, 0);
  assert.deepEqual(r.summary.counts, { lines: 0, emitted: 0, deadLettered: 0, context: 0 });

  const semi = await run(`${HEADER.replaceAll(',', ';')}\n${row().replaceAll(',', ';')}\n`, MAP);
  assert.match(semi.summary.fileError ?? '', /split on ";" instead of "," it has them all/);

  const twice = await run(`${HEADER},plays\n${row()},1\n`, MAP);
  assert.match(twice.summary.fileError ?? '', /has the mapped column "Plays" 2 times \(cells 4, 12\)/);

  const early = await run('Report\nRows,0\n', { ...MAP, headerLine: 6 });
  assert.match(
    early.summary.fileError ?? '',
    /the file ends at line 2, before the header row expected at line 6/,
  );
  assert.match((await run('', MAP)).summary.fileError ?? '', /the file is empty/);
});

test('header names match ignoring case and spaces; unmapped columns go to extra', async () => {
  const header = ' isrc ,TITLE,Artist,Plays,Territory,Start,End,Revenue,ISWC,Length,Store';
  const r = await run(`${header}\n${row({ store: 'Family' })}\n${row({ store: '' })}\n`, MAP);
  assert.equal(r.summary.fileError, null);
  assert.deepEqual(r.usage[0]?.extra, { Store: 'Family' });
  assert.deepEqual(r.usage[1]?.extra, {}, 'empty unmapped cells are left out');
  assert.match(r.summary.warnings.join('\n'), /column "isrc" \(cell 1\) was matched to the mapping's "ISRC"/);
});

test('quoted fields with commas and doubled quotes', async () => {
  const text = `${HEADER}\n${row({ title: '"Hello, World"', artist: '"Salt, Pepper & Co.; Νεφέλη"', store: '"12"" Vinyl"' })}\n`;
  const r = await run(text, MAP);
  const u = r.usage[0] as UsageLine;
  assert.equal(u.resources[0]?.title, 'Hello, World');
  assert.deepEqual(u.resources[0]?.displayArtists, ['Salt, Pepper & Co.', 'Νεφέλη']);
  assert.equal(u.extra.Store, '12" Vinyl');
});

test('a line break inside a quoted field: one record, line numbers stay right after it', async () => {
  const text = [
    HEADER,
    'GBAHT0900445,"Line one',
    `line two, still the title"${row().slice('GBAHT0900445,Song'.length)}`,
    row({ plays: '5' }),
    row({ isrc: 'XX12' }),
  ].join('\r\n');
  const r = await run(Buffer.from(`${text}\r\n`), MAP);
  assert.deepEqual(
    r.usage.map((u) => [u.lineNumber, u.lineId, u.usages]),
    [
      [2, 'F:2', 10],
      [4, 'F:4', 5],
    ],
  );
  assert.equal(r.usage[0]?.resources[0]?.title, 'Line one\r\nline two, still the title');
  assert.deepEqual(deadLines(r), [{ lineNumber: 5, errorClass: 'INVALID_ISRC', recordType: 'CSV' }]);
  assert.equal(r.summary.physicalLines, 5);
  assert.equal(r.summary.counts.lines, 4, 'header + 3 records');
  assert.match(r.summary.warnings.join('\n'), /1 record\(s\) span several lines/);

  // a dead-lettered multi-line record keeps its line break bytes exactly
  const bad = [HEADER, 'GBAHT0900445,"One', `two"${row({ plays: 'x' }).slice('GBAHT0900445,Song'.length)}`];
  const rb = await run(`${bad.join('\r\n')}\n${row()}\n`, MAP);
  assert.deepEqual(deadLines(rb), [{ lineNumber: 2, errorClass: 'INVALID_NUMBER', recordType: 'CSV' }]);
  assert.equal((rb.dead[0] as DeadOutcome).bytes.toString(), `${bad[1]}\r\n${bad[2]}`);
  assert.equal((rb.dead[0] as DeadOutcome).byteOffset, HEADER.length + 2);
  assert.equal(rb.usage[0]?.lineNumber, 4);
});

test('semicolon delimiter with decimal comma, and tab-separated files', async () => {
  const semi = parseCsvMapping({
    sender: 'S',
    delimiter: ';',
    decimalSeparator: ',',
    dateFormat: 'DD.MM.YYYY',
    multiValueSeparator: '/',
    columns: {
      ISRC: 'isrc',
      Titel: 'title',
      Künstler: 'displayArtists',
      Anzahl: 'usages',
      Umsatz: 'priceConsumerPaid',
      Beginn: 'periodStart',
    },
  });
  const text =
    'ISRC;Titel;Künstler;Anzahl;Umsatz;Beginn\r\nDE-A12-20-12345;"Eins; Zwei";A / B;12;4,6473;01.06.2020\r\n';
  const r = await run(text, semi);
  const u = r.usage[0] as UsageLine;
  assert.equal(u.resources[0]?.isrc, 'DEA122012345');
  assert.equal(u.resources[0]?.title, 'Eins; Zwei');
  assert.deepEqual(u.resources[0]?.displayArtists, ['A', 'B']);
  assert.equal(u.priceConsumerPaid, '4.6473');
  assert.equal(u.periodStart, '2020-06-01');

  const tsv = parseCsvMapping({
    sender: 'T',
    delimiter: '\t',
    columns: { isrc: 'isrc', track: 'title', streams: 'usages', country: 'territory' },
  });
  const t = await run('isrc\ttrack\tstreams\tcountry\ngbaht0900445\tHello, World\t3\tGB\n', tsv);
  assert.equal(t.usage[0]?.resources[0]?.title, 'Hello, World');
  assert.equal(t.usage[0]?.usages, 3);
  assert.equal(t.usage[0]?.territory, 'GB');
});

test('lower-case and hyphenated ISRCs are normalised; ISWCs too', async () => {
  const isrcs = ['gbaht0900445', 'GB-AHT-09-00445', 'gb-aht-09-00445', ' GBAHT0900445 '];
  const text = [HEADER, ...isrcs.map((isrc) => row({ isrc, iswc: 't-034.524.680-1' }))].join('\n');
  const r = await run(text, MAP);
  assert.equal(r.dead.length, 0);
  for (const u of r.usage) {
    assert.equal(u.resources[0]?.isrc, 'GBAHT0900445');
    assert.equal(u.resources[0]?.iswc, 'T0345246801');
  }
});

test('blank rows are context; a trailing empty cell is tolerated with a warning', async () => {
  const text = [HEADER, row(), '', ',,,,,,,,,,', `${row()},`, '   '].join('\n');
  const r = await run(`${text}\n`, MAP);
  assert.deepEqual(
    r.outcomes.map((o) => [o.lineNumber, o.kind]),
    [
      [1, 'context'],
      [2, 'usage'],
      [3, 'context'],
      [4, 'context'],
      [5, 'usage'],
      [6, 'context'],
    ],
  );
  assert.equal((r.outcomes[2] as ContextOutcome).recordType, '');
  assert.match(r.summary.warnings.join('\n'), /3 blank row\(s\) were skipped \(lines 3, 4, 6\)/);
  assert.match(r.summary.warnings.join('\n'), /1 row\(s\) have empty cells after the header's 11 columns/);
});

// ---------------------------------------------------------------------------------------------
// each error class, with a hand-written row

test('each error class, with a message naming the column, the value and what was expected', async () => {
  const cases: [RowValues | string, string, RegExp, string | undefined][] = [
    [
      row().split(',').slice(0, 9).join(','),
      'WRONG_CELL_COUNT',
      /9 cell\(s\) but the header \(line 1\) has 11 columns; "Length", "Store" are missing/,
      undefined,
    ],
    [
      `${row()},extra,more`,
      'WRONG_CELL_COUNT',
      /13 cells but the header \(line 1\) has 11 columns; the extra cell\(s\) "extra", "more" — does a value contain "," without being quoted/,
      undefined,
    ],
    [
      { plays: '' },
      'MISSING_REQUIRED_CELL',
      /column "Plays" \(usages\) is empty; a value is required/,
      'Plays',
    ],
    [{ isrc: 'XX12' }, 'INVALID_ISRC', /column "ISRC" \(isrc\): ISRC "XX12" has 4 characters/, 'ISRC'],
    [{ isrc: 'US_SM1_69_00682' }, 'INVALID_ISRC', /ISRC "US_SM1_69_00682" has 15 characters/, 'ISRC'],
    [
      { iswc: 'T-034.524.680-2' },
      'INVALID_ISWC',
      /column "ISWC" \(iswc\): ISWC "T-034.524.680-2" has check digit 2/,
      'ISWC',
    ],
    [
      { plays: '12x' },
      'INVALID_NUMBER',
      /column "Plays" \(usages\) is "12x": expected a whole number of plays of 0 or more/,
      'Plays',
    ],
    [{ plays: '4 5' }, 'INVALID_NUMBER', /"4 5"/, 'Plays'],
    [{ plays: '1O5' }, 'INVALID_NUMBER', /"1O5"/, 'Plays'],
    [{ plays: '-3' }, 'INVALID_NUMBER', /cannot be negative/, 'Plays'],
    [{ plays: '"1,234"' }, 'INVALID_NUMBER', /without thousands separators/, 'Plays'],
    [{ plays: '2.5' }, 'INVALID_NUMBER', /without decimals/, 'Plays'],
    [{ revenue: '"0,12"' }, 'INVALID_NUMBER', /column "Revenue" \(priceConsumerPaid\) is "0,12"/, 'Revenue'],
    [
      { revenue: '1e3' },
      'INVALID_NUMBER',
      /expected a decimal number with "\." as decimal separator/,
      'Revenue',
    ],
    [
      { start: '2020-13-01' },
      'INVALID_DATE',
      /column "Start" \(periodStart\) is "2020-13-01"; expected a date as YYYY-MM-DD/,
      'Start',
    ],
    [{ end: '2020-02-30' }, 'INVALID_DATE', /"2020-02-30"/, 'End'],
    [{ length: 'long' }, 'INVALID_DURATION', /column "Length" \(durationSeconds\) is "long"/, 'Length'],
  ];
  for (const [values, errorClass, message, cell] of cases) {
    const line = typeof values === 'string' ? values : row(values);
    const r = await run(`${HEADER}\n${line}\n${row()}\n`, MAP);
    const label = `${errorClass}: ${line}`;
    assert.equal(r.dead.length, 1, label);
    const d = r.dead[0] as DeadOutcome;
    assert.equal(d.errorClass, errorClass, label);
    assert.equal(d.lineNumber, 2, label);
    assert.match(d.message, message, label);
    assert.equal(d.cell, cell, label);
    assert.equal(d.stage, errorClass === 'WRONG_CELL_COUNT' ? 'parse' : 'validate', label);
    assert.ok(d.bytes.equals(Buffer.from(line)), label);
    assert.equal(d.byteOffset, HEADER.length + 1, label);
    assert.equal(r.usage.length, 1, label);
    assert.equal(r.usage[0]?.lineNumber, 3, label);
  }
});

test('several faults in one row: the first column decides, the message lists the others', async () => {
  const r = await run(`${HEADER}\n${row({ isrc: 'bad', plays: 'x', start: 'June' })}\n`, MAP);
  const d = r.dead[0] as DeadOutcome;
  assert.equal(d.errorClass, 'INVALID_ISRC');
  assert.match(d.message, /\(also: INVALID_NUMBER column "Plays".*; INVALID_DATE column "Start"/);
});

test('required fields beyond usages, and valid values of every kind', async () => {
  const mapping = parseCsvMapping({ ...MAP, required: ['isrc', 'title'] });
  const r = await run(
    `${HEADER}\n${row({ isrc: '' })}\n${row({ title: '  ' })}\n${row({ length: '3:45', iswc: 'T0345246801', revenue: '-0.5' })}\n`,
    mapping,
  );
  assert.deepEqual(
    r.dead.map((d) => [d.lineNumber, d.errorClass, d.cell]),
    [
      [2, 'MISSING_REQUIRED_CELL', 'ISRC'],
      [3, 'MISSING_REQUIRED_CELL', 'Title'],
    ],
  );
  const u = r.usage[0] as UsageLine;
  assert.equal(u.resources[0]?.durationSeconds, 225);
  assert.equal(u.resources[0]?.iswc, 'T0345246801');
  assert.equal(u.priceConsumerPaid, '-0.5');
  // without `required`, an empty ISRC is null, not a dead letter
  const lax = await run(`${HEADER}\n${row({ isrc: '' })}\n`, MAP);
  assert.equal(lax.usage[0]?.resources[0]?.isrc, null);
});

test('invalid UTF-8: dead-lettered with the byte offset in the file and the column', async () => {
  const head = Buffer.from(`${HEADER}\r\n${row()}\r\n`);
  const before = Buffer.from('GBAHT0900445,Caf');
  const after = Buffer.from(',Someone,10,GB,2020-06-01,2020-06-30,0.1,,,Premium');
  const bad = Buffer.concat([before, Buffer.from([0xe9]), after]);
  const file = Buffer.concat([head, bad, Buffer.from(`\r\n${row()}\r\n`)]);
  const r = await run(file, MAP);
  assert.equal(r.dead.length, 1);
  const d = r.dead[0] as DeadOutcome;
  assert.equal(d.errorClass, 'INVALID_UTF8');
  assert.equal(d.lineNumber, 3);
  assert.equal(d.byteOffset, head.length);
  assert.ok(d.bytes.equals(bad), 'the original bytes, untouched');
  assert.equal(d.cell, 'Title');
  assert.match(
    d.message,
    new RegExp(
      `byte 0xE9 at byte ${before.length} of the row \\(byte ${head.length + before.length} of the file\\), in cell 2 \\(column "Title"\\)`,
    ),
  );
  assert.deepEqual(
    r.usage.map((u) => u.lineNumber),
    [2, 4],
  );
});

test('a line over maxLineBytes is LINE_TOO_LONG, keeping its first maxLineBytes bytes', async () => {
  const long = row({ title: 'x'.repeat(500) });
  const r = await run(`${HEADER}\n${long}\n${row()}\n`, MAP, { maxLineBytes: 200 });
  const d = r.dead[0] as DeadOutcome;
  assert.equal(d.errorClass, 'LINE_TOO_LONG');
  assert.equal(d.lineNumber, 2);
  assert.equal(d.bytes.length, 200);
  assert.ok(d.bytes.equals(Buffer.from(long).subarray(0, 200)));
  assert.match(d.message, new RegExp(`the line is ${long.length} bytes long, over the limit of 200 bytes`));
  assert.equal(r.usage[0]?.lineNumber, 3);
});

// ---------------------------------------------------------------------------------------------
// unbalanced quotes

test('an unterminated quote at the end of the file dead-letters that line', async () => {
  const last = row({ title: '"Unclosed, title' });
  const r = await run(`${HEADER}\n${row()}\n${row()}\n${last}`, MAP);
  assert.equal(r.summary.fileError, null);
  assert.deepEqual(
    r.usage.map((u) => u.lineNumber),
    [2, 3],
  );
  const d = r.dead[0] as DeadOutcome;
  assert.equal(d.errorClass, 'WRONG_CELL_COUNT');
  assert.equal(d.stage, 'parse');
  assert.equal(d.lineNumber, 4);
  assert.equal(d.cell, 'Title');
  assert.ok(d.bytes.equals(Buffer.from(last)));
  assert.match(
    d.message,
    /unbalanced quote: the quoted value in column "Title" \(cell 2\) that opens on this line is not closed before the end of the file \(line 4\)/,
  );
});

test('an unbalanced quote mid-file costs one line: the lines after it are read again', async () => {
  const text = [
    HEADER,
    row({ title: '"Broken' }), // 2: the quote never closes
    row({ plays: '3' }), // 3
    row({ title: '"Fine, quoted"', plays: '4' }), // 4: its quotes would close line 2's field
    row({ plays: '5' }), // 5
  ].join('\n');
  const r = await run(`${text}\n`, MAP);
  assert.deepEqual(
    r.outcomes.map((o) => [o.lineNumber, o.kind]),
    [
      [1, 'context'],
      [2, 'dead'],
      [3, 'usage'],
      [4, 'usage'],
      [5, 'usage'],
    ],
  );
  assert.match(
    (r.dead[0] as DeadOutcome).message,
    /closes only on line 4, and the row so formed has \d+ cells where the header has 11/,
  );
  assert.equal(r.usage[1]?.resources[0]?.title, 'Fine, quoted');

  // still open after maxRecordLines lines
  const many = [HEADER, row({ title: '"Broken' }), ...Array.from({ length: 8 }, () => row())].join('\n');
  const m = await run(many, MAP, { maxRecordLines: 3 });
  assert.match((m.dead[0] as DeadOutcome).message, /is still open after 3 lines/);
  assert.equal(m.usage.length, 8);
  assert.equal(m.usage[0]?.lineNumber, 3);
});

test('too many unbalanced quotes: the file is given up with a file-level error', async () => {
  const lines = [HEADER];
  for (let i = 0; i < 5; i++) lines.push(row({ title: '"Broken' }), row(), row());
  const r = await run(lines.join('\n'), MAP, { maxQuoteErrors: 2, maxRecordLines: 2 });
  assert.match(
    r.summary.fileError ?? '',
    /more than 2 lines have unbalanced quotes \(the last at line 8\); reading stopped there/,
  );
  assert.equal(r.dead.length, 3);
  assert.equal(r.outcomes[r.outcomes.length - 1]?.lineNumber, 8);
});
