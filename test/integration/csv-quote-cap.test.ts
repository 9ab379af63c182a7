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

// Issue 14: a CSV given up for stray quotes after its first commit ends rejected, with
// exactly what was published counted and nothing after it read.

const reports = path.join(repoRoot, 'fixtures', 'reports');
const csvName = 'ACMESTREAM_2020-06_usage_20200703T075930.csv';
const mapping = {
  ...JSON.parse(readFileSync(path.join(reports, `${csvName}.mapping.json`), 'utf8')),
  sender: 'FAULTS',
};
const config = configFrom(
  ingestEnv('quotecap', {
    TALLYLINE_CSV_MAPPINGS: JSON.stringify({ FAULTS: mapping }),
    TALLYLINE_SPLIT_BATCH_LINES: '10',
  }),
);
let h: IngestHarness;
let intake: Intake;
let usageSerde: AvroSerde<'UsageLine'>;

before(async () => {
  h = await IngestHarness.start(config);
  intake = new Intake(h.rt);
  usageSerde = await AvroSerde.forTopic(createRegistryClient(config), h.rt.topic('usage.lines'), 'UsageLine');
});
after(() => h.stop());

async function published(fileId: string): Promise<{ usage: UsageLine[]; dead: IncomingMessage[] }> {
  const events = await h.rt.kafka.readAll(h.rt.topic('usage.lines'));
  const usage = (await Promise.all(events.map((m) => usageSerde.decode(m.value!)))).filter(
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

test('CSV: more than maxQuoteErrors stray quotes after the first commit: rejected, with exactly what was published counted', async () => {
  const fixture = readFileSync(path.join(reports, csvName), 'latin1').split(/\r?\n/);
  const head = fixture.slice(0, 6); // preamble and header
  const good = fixture[6]!;
  // Stray quotes that open the territory (A) or the plays (B): the record one starts closes
  // at the next one's quote, two lines on, with the wrong number of cells, so each costs its
  // own line (WRONG_CELL_COUNT).
  const strayAt = (i: number) =>
    good
      .split(',')
      .map((c, k) => (k === i ? `"${c}` : c))
      .join(',');
  const lines = [...head];
  // 7–2006: more than one chunk of the line reader, so batches (of 10) are committed first
  for (let i = 0; i < 2000; i++) lines.push(good);
  for (let i = 0; i < 60; i++) lines.push(strayAt(1), good, strayAt(8), good); // the 101st stray is line 2207
  for (let i = 0; i < 3000; i++) lines.push(good); // never read
  const content = Buffer.from(lines.join('\n') + '\n', 'latin1');
  const result = await intake.accept(Readable.from([content]), 'FAULTS_quotes.csv', 'FAULTS');
  const file = await h.waitForFile(result.file.fileId);
  assert.equal(file.state, 'rejected', `state ${file.state}: ${file.reason}`);
  assert.match(file.reason ?? '', /more than 100 lines have unbalanced quotes/);
  assert.match(file.reason ?? '', /were not read/);
  const got = await published(file.fileId);
  assertAccounted(file, got);
  assert.equal(file.counts!.emitted, 2100);
  assert.equal(file.counts!.deadLettered, 101);
  const last = Math.max(...got.dead.map((m) => parseDeadLetterHeaders(m.headers).lineNumber));
  assert.equal(last, 2207);
  assert.equal(file.counts!.lines, last, 'every line up to the stop, none after it');
  assert.match(file.reason ?? '', new RegExp(`lines from ${last + 1} on were not read`));
  // The ledger's row agrees (the REJECTED event carries the counts).
  const events = (await h.rt.kafka.readAll(h.rt.topic('usage.files'))).filter(
    (m) => m.key!.toString() === file.fileId,
  );
  const decoded = await Promise.all(events.map((m) => h.rt.fileEvents.decode(m.value!)));
  const rejected = decoded.filter((e) => e.type === 'REJECTED');
  assert.equal(rejected.length, 1);
  assert.deepEqual({ ...rejected[0]!.counts }, file.counts);
  assert.equal(decoded.filter((e) => e.type === 'SPLIT_COMPLETED').length, 0);
});
