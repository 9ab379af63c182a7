import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { parseDeadLetterHeaders } from '../../core/topics/index.ts';
import { repoRoot } from '../../core/paths/index.ts';
import { AvroSerde, createRegistryClient } from '../../core/registry/index.ts';
import type { IncomingMessage } from '../../core/kafka/index.ts';
import type { UsageLine } from '../../core/schemas/index.ts';
import { Intake, type FileRecord } from '../../ingest/index.ts';
import { configFrom, ingestEnv, IngestHarness } from '../support/ingest.ts';

// Issue 14: a record too large for its topic is a dead letter whose raw is cut, with where the
// whole line lives, not a failed file.

const reports = path.join(repoRoot, 'fixtures', 'reports');
const csvName = 'ACMESTREAM_2020-06_usage_20200703T075930.csv';
const mapping = {
  ...JSON.parse(readFileSync(path.join(reports, `${csvName}.mapping.json`), 'utf8')),
  sender: 'FAULTS',
};
const csvEnv = {
  TALLYLINE_CSV_MAPPINGS: JSON.stringify({ FAULTS: mapping }),
  TALLYLINE_SPLIT_BATCH_LINES: '10',
};
const config = configFrom(ingestEnv('recordsize', csvEnv));
let h: IngestHarness;

before(async () => {
  h = await IngestHarness.start(config);
});
after(() => h.stop());

const RAW_KEPT = config.ingest.deadLetterRawBytes;

async function published(
  h: IngestHarness,
  fileId: string,
): Promise<{ usage: UsageLine[]; dead: IncomingMessage[] }> {
  const topic = h.rt.topic('usage.lines');
  const serde = await AvroSerde.forTopic(createRegistryClient(h.config), topic, 'UsageLine');
  const events = await h.rt.kafka.readAll(topic);
  const usage = (await Promise.all(events.map((m) => serde.decode(m.value!)))).filter(
    (u) => u.fileId === fileId,
  );
  const dead = (await h.rt.kafka.readAll(h.rt.topic('usage.lines.dlq'))).filter(
    (m) => parseDeadLetterHeaders(m.headers).fileId === fileId,
  );
  return { usage, dead };
}

/** Every line is published once, and the counts say exactly what was published. */
function assertAccounted(file: FileRecord, got: { usage: UsageLine[]; dead: IncomingMessage[] }): void {
  const c = file.counts!;
  assert.equal(c.lines, c.emitted + c.deadLettered + c.context);
  assert.equal(got.usage.length, c.emitted, 'one usage event per emitted line');
  assert.equal(new Set(got.usage.map((u) => u.lineId)).size, got.usage.length, 'no line twice');
  assert.equal(got.dead.length, c.deadLettered, 'one dead letter per dead line');
}

/** The dead letter of `line`, checked to be cut and to say where the whole line lives. */
function assertCut(
  file: FileRecord,
  dead: IncomingMessage[],
  line: number,
  content: Buffer,
  wholeLine: Buffer,
) {
  const m = dead.find((d) => parseDeadLetterHeaders(d.headers).lineNumber === line);
  assert.ok(m, `line ${line} is a dead letter`);
  const d = parseDeadLetterHeaders(m.headers);
  assert.equal(d.rawCut, true, `line ${line}: the raw is cut`);
  assert.equal(d.rawLength, wholeLine.length);
  assert.equal(d.landingKey, file.landingKey);
  assert.equal(m.value!.length, RAW_KEPT);
  assert.deepEqual(m.value, wholeLine.subarray(0, RAW_KEPT));
  // The headers find the whole line in the landed content.
  assert.deepEqual(content.subarray(d.byteOffset!, d.byteOffset! + d.rawLength!), wholeLine);
  assert.match(d.message, /too large|over the/);
  return d;
}

const dsrName =
  'DSR_PADPIDA2020061502R_PADPIDA2020061501S_TallyStreamPremium_2020-07_GB_1of1_20200803T075930.tsv';

/** Sets cell `cell` (0-based) of the 1-based line `n`, padded with `fill` so the line is `length` bytes. */
function setCell(lines: string[], n: number, cell: number, fill: string, length?: number): void {
  const cells = lines[n - 1]!.split('\t');
  cells[cell] = '';
  const rest = cells.join('\t').length;
  cells[cell] = fill.repeat(length === undefined ? 1 : length - rest);
  lines[n - 1] = cells.join('\t');
}

// Kafka's default largest record (max.request.size, message.max.bytes) is 1 MiB, and so is
// ingest.maxLineBytes: a line just under the line limit makes a record over the topic's.
const NEAR_LIMIT = 1_048_000;
const OVER_LIMIT = 1_100_000;

test('DSR: a usage line near the line limit, a line over it and usage events carrying two 600 KB cells become dead letters; the file is split', async () => {
  const lines = readFileSync(path.join(reports, dsrName), 'latin1').split('\n');
  // line 14, a usage line: its PromotionalActivity (cell 9, carried in `extra`) fills it to NEAR_LIMIT
  setCell(lines, 14, 9, 'p', NEAR_LIMIT);
  // line 15, a usage line over the line limit: LINE_TOO_LONG, whose 1 MiB raw is too large too
  setCell(lines, 15, 9, 'q', OVER_LIMIT);
  // block 2: its release (line 22) and one resource (line 23) with a 600 KB title each; the
  // usage lines of that resource (25–28) carry both
  setCell(lines, 22, 9, 'r'.repeat(600_000));
  setCell(lines, 23, 5, 's'.repeat(600_000));
  const content = Buffer.from(lines.join('\n'), 'latin1');
  const result = await new Intake(h.rt).accept(Readable.from([content]), dsrName, 'BIGDSR');
  const file = await h.waitForFile(result.file.fileId, 120000);
  assert.equal(file.state, 'split', file.reason ?? '');
  const got = await published(h, file.fileId);
  assertAccounted(file, got);

  const raw = (n: number) => Buffer.from(lines[n - 1]!, 'latin1');
  assert.equal(assertCut(file, got.dead, 14, content, raw(14)).errorClass, 'RECORD_TOO_LARGE');
  assert.equal(assertCut(file, got.dead, 15, content, raw(15)).errorClass, 'LINE_TOO_LONG');
  for (const n of [25, 26, 27, 28]) {
    const m = got.dead.find((d) => parseDeadLetterHeaders(d.headers).lineNumber === n)!;
    assert.ok(m, `line ${n} is a dead letter`);
    const d = parseDeadLetterHeaders(m.headers);
    assert.equal(d.errorClass, 'RECORD_TOO_LARGE', `line ${n}`);
    assert.match(d.message, /bytes over the/);
    assert.equal(d.rawCut, undefined, 'a short line is kept whole');
    assert.deepEqual(m.value, raw(n));
  }
  const deadLines = new Set([14, 15, 25, 26, 27, 28]);
  assert.ok(got.usage.every((u) => !deadLines.has(u.lineNumber)));
  assert.ok(
    got.usage.some((u) => u.lineNumber === 29),
    'a usage line with one 600 KB cell is an event',
  );
  assert.equal(file.deadByClass?.RECORD_TOO_LARGE, 5);
});

test('CSV: a row whose usage event carries two 600 KB cells and a row over the line limit become cut dead letters among normal rows; the file is split', async () => {
  // Lines of up to 2 MiB: a CSV event is about as large as its row, so it takes a row over
  // the 1 MiB of Kafka's default largest record to make an event too large.
  const wide = await IngestHarness.start(
    configFrom(ingestEnv('recordsizecsv', { ...csvEnv, TALLYLINE_MAX_LINE_BYTES: String(2 * 1024 * 1024) })),
  );
  try {
    const lines = readFileSync(path.join(reports, csvName), 'latin1').split(/\r?\n/);
    const header = 6;
    // row 7: Track Title (cell 5) and Album (cell 7, in `extra`) of 600 KB each
    const row7 = lines[6]!.split(',');
    row7[5] = 't'.repeat(600_000);
    row7[7] = 'a'.repeat(600_000);
    lines[6] = row7.join(',');
    // row 9: over the line limit
    const row9 = lines[8]!.split(',');
    row9[7] = 'b'.repeat(2_200_000);
    lines[8] = row9.join(',');
    const content = Buffer.from(lines.join('\n'), 'latin1');
    const result = await new Intake(wide.rt).accept(Readable.from([content]), 'FAULTS_big.csv', 'FAULTS');
    const file = await wide.waitForFile(result.file.fileId, 120000);
    assert.equal(file.state, 'split', file.reason ?? '');
    const got = await published(wide, file.fileId);
    assertAccounted(file, got);
    const raw = (n: number) => Buffer.from(lines[n - 1]!, 'latin1');
    const big = assertCut(file, got.dead, 7, content, raw(7));
    assert.equal(big.errorClass, 'RECORD_TOO_LARGE');
    assert.match(big.message, /Album \(600000 bytes/);
    assert.equal(assertCut(file, got.dead, 9, content, raw(9)).errorClass, 'LINE_TOO_LONG');
    assert.ok(got.usage.length > 10, 'the other rows are events');
    assert.ok(got.usage.every((u) => u.lineNumber > header && u.lineNumber !== 7 && u.lineNumber !== 9));
  } finally {
    await wide.stop();
  }
});
