import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { cellsOf, DeadLetters, settlementsOf, writeResendRequest } from '../../dead-letters/index.ts';
import { deadLetterStatsOf } from '../../ledger/index.ts';
import { generateDsrBuffer } from '../../fixtures/index.ts';
import { Intake } from '../../ingest/index.ts';
import { configFrom, ingestEnv, IngestHarness } from '../support/ingest.ts';

const config = configFrom(ingestEnv('dlq'));
let h: IngestHarness;
let dlq: DeadLetters;
const report = generateDsrBuffer({ seed: 31, usageLines: 2000, corruptionRate: 0.02 });
let fileId = '';

before(async () => {
  h = await IngestHarness.start(config);
  dlq = DeadLetters.of(h.rt);
  const { file } = await new Intake(h.rt).accept(
    Readable.from([report.content]),
    report.fileName,
    'DLQSENDER',
  );
  fileId = file.fileId;
  await h.waitForFile(fileId);
});
after(() => h.stop());

test('dlq list gives exactly the dead lines of a file, with stage, class and state', async () => {
  const items = await dlq.list({ fileId });
  assert.deepEqual(
    items.map((d) => [d.lineNumber, d.errorClass]),
    report.truth.deadLines.map((d) => [d.lineNumber, d.errorClass]),
  );
  assert.ok(
    items.every(
      (d) => d.state === 'open' && d.sender === 'DLQSENDER' && d.lineId === `${fileId}:${d.lineNumber}`,
    ),
  );
  const isrc = await dlq.list({ fileId, errorClass: 'INVALID_ISRC' });
  assert.equal(isrc.length, report.truth.corruptions.BAD_ISRC);
  assert.ok(isrc.every((d) => d.stage === 'validate' && d.cell === 'ISRC'));
  assert.deepEqual(await dlq.list({ fileId: 'nosuchfile' }), []);
});

test('dlq show: the raw line is the file line, cells by name with the cell at fault', async () => {
  const [item] = await dlq.list({ fileId, errorClass: 'INVALID_NUMBER' });
  const line = report.content.toString('latin1').split(/\r?\n/)[item!.lineNumber - 1];
  assert.equal(item!.raw.toString('latin1'), line);
  const cells = cellsOf(item!);
  const faulty = cells.find((c) => c.name === item!.cell);
  assert.equal(item!.cell, 'NumberOfStreams');
  assert.ok(faulty && !/^\d+$/.test(faulty.value), 'the cell at fault holds the bad value');
});

test('dlq stats count by class, stage, sender, file and state; states are kept', async () => {
  const items = await dlq.list({ fileId });
  const stats = await deadLetterStatsOf(h.rt.db);
  assert.equal(stats.total, report.truth.expected.deadLettered);
  assert.equal(stats.bySender.DLQSENDER, stats.total);
  assert.equal(
    stats.byErrorClass.ORPHANED,
    report.truth.deadLines.filter((d) => d.errorClass === 'ORPHANED').length,
  );
  assert.equal(stats.byFile[fileId], items.length);
  // Scoped to another sender, the file's dead letters are not there at all.
  assert.deepEqual(await dlq.list({ fileId, sender: 'SOMEONE_ELSE' }), []);
  assert.equal((await deadLetterStatsOf(h.rt.db, 'SOMEONE_ELSE')).total, 0);
  assert.equal((await deadLetterStatsOf(h.rt.db, 'DLQSENDER')).total, stats.total);
  await dlq.record({
    action: 'request',
    by: 'tester',
    scope: { fileId },
    lineIds: [items[0]!.lineId],
    result: {},
    settled: settlementsOf([items[0]!], 'requested', 'requested'),
  });
  assert.equal((await dlq.list({ fileId, state: 'requested' })).length, 1);
  assert.equal((await dlq.list({ fileId, state: 'open' })).length, stats.total - 1);
});

test('dlq request writes the re-send request for the open lines and marks them requested', async () => {
  const out = mkdtempSync(`${tmpdir()}/resend-`);
  const open = await dlq.list({ fileId, state: 'open' });
  const written = await writeResendRequest(dlq, h.rt.files, fileId, out);
  assert.equal(written!.lines, open.length);
  const rows = readFileSync(written!.tsv, 'utf8').trimEnd().split('\n').slice(1);
  assert.deepEqual(
    rows.map((r) => Number(r.split('\t')[2])),
    open.map((d) => d.lineNumber),
  );
  assert.ok(
    rows.every((r) => r.split('\t')[1] !== ''),
    'the MessageId of the report is on every row',
  );
  assert.equal((await dlq.list({ fileId, state: 'open' })).length, 0);
  assert.equal(await writeResendRequest(dlq, h.rt.files, fileId, out), null, 'nothing left to request');
});
