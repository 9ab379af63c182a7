import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  correctionsFromFile,
  DeadLetters,
  writeResendRequest,
  replay,
  correctionFile,
  splitCorrection,
} from '../../dead-letters/index.ts';
import { exportRun } from '../../export/index.ts';
import { buildFile, nwr, rec, generateDsrBuffer } from '../../fixtures/index.ts';
import { type FileRecord, fileIdOf, Intake } from '../../ingest/index.ts';
import { loadReferenceFiles, MatcherService } from '../../matcher/index.ts';
import { matchStatus } from '../../ledger/index.ts';
import { logger } from '../support/harness.ts';
import { CORRECTED_ISRC, senderFix } from '../support/dlq.ts';
import { configFrom, ingestEnv, IngestHarness } from '../support/ingest.ts';
import { assertRebuildEqualsLive } from '../support/ledger.ts';

// End to end: a report with bad lines → `dlq request` lists exactly those lines → the sender
// answers the request TSV with a CorrectedLine column → the correction file is ingested like
// any file → the lines come back under their original lineIds, are matched and exported →
// the report's accounting is complete with no open dead letter.

const config = configFrom(
  ingestEnv('dlqcorr', {
    TALLYLINE_MATCHER_GROUP: `test-dlqcorr-matcher-${Date.now()}`,
    TALLYLINE_EXPORT_OUTBOX: mkdtempSync(path.join(tmpdir(), 'tallyline-outbox-')),
    TALLYLINE_LOG_LEVEL: 'warn',
  }),
);
let h: IngestHarness;
let matcher: MatcherService | null = null;
const report = generateDsrBuffer({
  seed: 73,
  usageLines: 240,
  corruptionRate: 0.05,
  corruptionKinds: ['BAD_ISRC', 'INVALID_NUMBER'],
});

before(async () => {
  h = await IngestHarness.start(config);
});
after(async () => {
  await matcher?.stop();
  await h.stop();
});

test('a re-send request answered with corrected lines: matched, exported, the report accounted in full', async () => {
  const intake = new Intake(h.rt);
  const dlq = DeadLetters.of(h.rt);
  const { file } = await intake.accept(Readable.from([report.content]), report.fileName, 'CORRSENDER');
  const original = await h.waitForFile(file.fileId);
  const dead = report.truth.deadLines;
  assert.ok(
    dead.some((d) => d.errorClass === 'ORPHANED') && dead.some((d) => d.errorClass === 'INVALID_NUMBER'),
  );
  assert.equal(original.counts!.deadLettered, dead.length);

  // The request lists exactly the dead lines.
  const written = (await writeResendRequest(
    dlq,
    h.rt.files,
    file.fileId,
    mkdtempSync(path.join(tmpdir(), 'resend-')),
  ))!;
  const request = readFileSync(written.tsv, 'utf8').trimEnd().split('\n');
  assert.deepEqual(
    request.slice(1).map((r) => Number(r.split('\t')[2])),
    dead.map((d) => d.lineNumber),
  );

  // The sender adds the corrected line to each row of the request and sends it back.
  const items = new Map((await dlq.list({ fileId: file.fileId })).map((d) => [d.lineNumber, d]));
  const answer = Buffer.concat([
    Buffer.from(`${request[0]}\tCorrectedLine\n`),
    ...request
      .slice(1)
      .flatMap((row) => [
        Buffer.from(`${row}\t`),
        senderFix(items.get(Number(row.split('\t')[2]))!),
        Buffer.from('\n'),
      ]),
  ]);
  const correction = await intake.accept(
    Readable.from([answer]),
    `CORRECTION_${report.fileName}`,
    'CORRSENDER',
  );
  assert.equal(correction.status, 'accepted');
  assert.equal(correction.file.format, 'CORRECTION');
  const corrected = await h.waitForFile(correction.file.fileId);
  assert.equal(corrected.state, 'split', corrected.reason ?? '');
  const roots = dead.filter((d) => d.errorClass === 'INVALID_ISRC').length;
  assert.deepEqual(corrected.counts, {
    lines: dead.length + 1,
    emitted: dead.length - roots,
    deadLettered: 0,
    parked: 0,
    context: 1 + roots,
  });

  // The original file: every dead line resolved, counted as corrected, none open.
  const after = (await h.rt.files.get(file.fileId))!;
  assert.equal(after.corrected, dead.length);
  const c = after.counts!;
  assert.equal(c.lines, c.emitted + c.deadLettered + c.context);
  const states = (await dlq.list({ fileId: file.fileId })).map((d) => d.state);
  assert.deepEqual(new Set(states), new Set(['resolved']));

  // Every usage line of the report is on usage.lines once, the corrected ones under their ids.
  const usage = (await h.rt.kafka.readAll(h.rt.topic('usage.lines'))).map((m) => m.key!.toString());
  assert.equal(usage.length, new Set(usage).size, 'no line twice');
  const usageLines = dead
    .filter((d) => d.errorClass !== 'INVALID_ISRC')
    .map((d) => `${file.fileId}:${d.lineNumber}`);
  for (const id of usageLines) assert.ok(usage.includes(id), id);
  assert.equal(usage.length, c.emitted + usageLines.length);

  // Matching: the catalog links the corrected ISRC, so the lines orphaned by the bad
  // resource lines are matched now; every usage line is matched or unmatched.
  const [loaded] = await loadReferenceFiles(
    config,
    logger,
    [
      {
        name: 'catalog.V21',
        bytes: Buffer.from(buildFile([[nwr(0, 'CORRECTED WORK', 'CW1'), rec(0, 1, CORRECTED_ISRC)]])),
      },
    ],
    'catalog',
  );
  assert.equal(loaded!.loaded, 1);
  matcher = await MatcherService.start(config, logger);
  let status;
  for (let i = 0; i < 120; i++) {
    [status] = await matchStatus(config, logger, async () => usage.length);
    if (status?.caughtUp) break;
    await sleep(500);
  }
  assert.ok(status?.caughtUp, `caught up: ${JSON.stringify(status)}`);
  // The corrected lines are events of the report too, on top of what its split emitted.
  assert.equal(status.events, usage.length);
  const orphans = dead.filter((d) => d.errorClass === 'ORPHANED').length;
  assert.equal(status.matched, orphans);
  assert.equal(status.matched + status.unmatched, usage.length);
  assert.equal(status.deadLettered, 0);

  // Export: the report's lines are all accounted for, none pending.
  const run = await exportRun(config, logger, '2020-06');
  const account = run.reports.find((r) => r.fileId === file.fileId);
  assert.ok(account, `the export accounts for ${file.fileId}`);
  assert.equal(account.matchedLines, orphans);
  assert.equal(account.matchedLines + account.unmatchedLines, usage.length);
  assert.equal(account.pendingLines, 0);
});

test('a correction for a line that is not an open dead letter is refused whole, naming the row', async () => {
  const intake = new Intake(h.rt);
  const body = `OriginalFileName\tLineNumber\tCorrectedLine\n${report.fileName}\t1\tHEAD\tx\nnosuch.tsv\t5\tSU02\n`;
  const { file } = await intake.accept(
    Readable.from([Buffer.from(body)]),
    'CORRECTION_bad.tsv',
    'CORRSENDER',
  );
  const refused = await h.waitForFile(file.fileId);
  assert.equal(refused.state, 'rejected');
  assert.match(refused.reason!, /line 2, cell LineNumber: line 1 of .* is not a dead letter/);
  assert.match(refused.reason!, /line 3, cell OriginalFileName: no split file "nosuch.tsv"/);
});

/** A file in the landing store and the file store, as intake leaves it, but not queued. */
async function receivedNotQueued(content: Buffer, fileName: string, sender: string): Promise<FileRecord> {
  const { ingest } = config;
  const stored = await h.rt.landing.put(Readable.from([content]), {
    compressed: false,
    limits: {
      maxUploadBytes: ingest.maxUploadBytes,
      maxDecompressedBytes: ingest.maxDecompressedBytes,
      maxCompressionRatio: ingest.maxCompressionRatio,
    },
  });
  const record: FileRecord = {
    fileId: fileIdOf(sender, stored.sha256),
    fileName,
    sender,
    sha256: stored.sha256,
    landingKey: stored.key,
    storedBytes: stored.storedBytes,
    contentBytes: stored.contentBytes,
    compressed: false,
    format: 'CORRECTION',
    state: 'received',
    attempt: 1,
    receivedAt: new Date().toISOString(),
    startedAt: null,
    completedAt: null,
    progress: { lines: 0, percent: 0 },
    counts: null,
    footerCheck: null,
    deadByClass: {},
    systemic: false,
    warnings: [],
    reason: null,
    report: null,
  };
  // Its RECEIVED event goes out as intake's would; no split job.
  assert.ok(await h.rt.files.receive(record, [{ kind: 'event', type: 'RECEIVED' }]));
  await h.rt.relay.drain();
  return record;
}

test('a correction file whose worker dies after publishing, or before its last step, is applied once on retry', async () => {
  const other = generateDsrBuffer({
    seed: 91,
    usageLines: 120,
    corruptionRate: 0.05,
    corruptionKinds: ['INVALID_NUMBER'],
  });
  const dlq = DeadLetters.of(h.rt);
  const { file } = await new Intake(h.rt).accept(
    Readable.from([other.content]),
    other.fileName,
    'RETRYSENDER',
  );
  await h.waitForFile(file.fileId);
  const dead = (await dlq.list({ fileId: file.fileId })).slice(0, 2);
  assert.equal(dead.length, 2);
  const record = await receivedNotQueued(
    correctionFile(
      dead.map((d) => ({
        originalFileName: other.fileName,
        lineNumber: d.lineNumber,
        correctedLine: senderFix(d),
      })),
    ),
    `CORRECTION_${other.fileName}`,
    'RETRYSENDER',
  );

  // Killed between the Kafka transaction and Redis: the retry settles, publishes nothing again.
  await assert.rejects(
    splitCorrection(h.rt, record, { afterCommit: () => Promise.reject(new Error('killed')) }),
    /killed/,
  );
  assert.equal(await splitCorrection(h.rt, (await h.rt.files.get(record.fileId))!), 'split');
  // Killed after Redis, before the file was marked split: the retry accepts its own lines.
  await h.rt.files.update(record.fileId, { state: 'splitting' });
  assert.equal(await splitCorrection(h.rt, (await h.rt.files.get(record.fileId))!), 'split');

  const done = (await h.rt.files.get(record.fileId))!;
  assert.equal(done.state, 'split', done.reason ?? '');
  assert.deepEqual(done.counts, { lines: 3, emitted: 2, deadLettered: 0, parked: 0, context: 1 });
  const usage = (await h.rt.kafka.readAll(h.rt.topic('usage.lines'))).map((m) => m.key!.toString());
  for (const d of dead) assert.equal(usage.filter((k) => k === d.lineId).length, 1, d.lineId);
  const now = new Map((await dlq.list({ fileId: file.fileId })).map((d) => [d.lineId, d]));
  for (const d of dead)
    assert.deepEqual([now.get(d.lineId)!.state, now.get(d.lineId)!.replays], ['resolved', 1]);
  assert.equal((await h.rt.files.get(file.fileId))!.corrected, 2);
});

test('intake and dlq replay --with-file find a correction’s original by one rule: own files, ambiguous names refused', async () => {
  const intake = new Intake(h.rt);
  const make = (seed: number) =>
    generateDsrBuffer({ seed, usageLines: 30, corruptionRate: 0.1, corruptionKinds: ['INVALID_NUMBER'] });
  const [a, b] = [make(101), make(102)];
  const name = 'SAME_NAME.tsv';
  const ids: string[] = [];
  for (const r of [a, b]) {
    const { file } = await intake.accept(Readable.from([r.content]), name, 'TWICE');
    ids.push((await h.waitForFile(file.fileId)).fileId);
  }
  const line = a.truth.deadLines[0]!.lineNumber;
  const byName = Buffer.from(`OriginalFileName\tLineNumber\tCorrectedLine\n${name}\t${line}\tx\n`);

  // Intake used to take the newest file of the name; both now refuse, naming the candidates.
  const { file } = await intake.accept(Readable.from([byName]), 'CORRECTION_same.tsv', 'TWICE');
  const refused = await h.waitForFile(file.fileId);
  assert.equal(refused.state, 'rejected');
  assert.match(
    refused.reason!,
    new RegExp(`line 2, cell OriginalFileName: 2 split files .*${ids[0]}.*give FileId`),
  );
  await assert.rejects(correctionsFromFile(h.rt, byName, 'c.tsv', 'TWICE'), /2 split files .*give FileId/);

  // FileId wins; another sender's file is no target; --with-file needs the sender.
  const byId = Buffer.from(
    `FileId\tOriginalFileName\tLineNumber\tCorrectedLine\n${ids[0]}\t${name}\t${line}\tx\n`,
  );
  assert.deepEqual(
    [...(await correctionsFromFile(h.rt, byId, 'c.tsv', 'TWICE')).keys()],
    [`${ids[0]}:${line}`],
  );
  await assert.rejects(correctionsFromFile(h.rt, byId, 'c.tsv', 'CORRSENDER'), /cell FileId: no split file/);
  await assert.rejects(correctionsFromFile(h.rt, byId, 'c.tsv', undefined), /--with-file needs --sender/);
});

test('a correction file counts each row where it went: emitted, dead-lettered again, parked, context', async () => {
  const intake = new Intake(h.rt);
  const dlq = DeadLetters.of(h.rt);
  const r = generateDsrBuffer({
    seed: 113,
    usageLines: 150,
    corruptionRate: 0.1,
    corruptionKinds: ['INVALID_NUMBER'],
  });
  const { file } = await intake.accept(Readable.from([r.content]), r.fileName, 'COUNTSENDER');
  await h.waitForFile(file.fileId);
  const [fixed, bad, last] = await dlq.list({ fileId: file.fileId, errorClass: 'INVALID_NUMBER' });
  assert.ok(fixed && bad && last, 'three INVALID_NUMBER lines');
  // `last` is replayed twice, failing both times: failing again now parks it (3 replays).
  for (let i = 0; i < 2; i++) {
    const again = await replay(h.rt, dlq, {
      filter: { fileId: file.fileId },
      apply: true,
      maxReplays: 3,
      rate: 1000,
      corrections: new Map([[last.lineId, last.raw]]),
      by: 'tester',
    });
    assert.deepEqual(
      again.lines.map((l) => [l.lineId, l.result]),
      [[last.lineId, 'failed-again']],
    );
  }
  const [before] = (await dlq.list({ fileId: file.fileId })).filter((d) => d.lineId === last.lineId);
  assert.equal(before!.replays, 2);
  const rows = correctionFile([
    { originalFileName: r.fileName, lineNumber: fixed.lineNumber, correctedLine: senderFix(fixed) },
    { originalFileName: r.fileName, lineNumber: bad.lineNumber, correctedLine: bad.raw },
    { originalFileName: r.fileName, lineNumber: last.lineNumber, correctedLine: last.raw },
  ]);
  const body = Buffer.concat([rows, Buffer.from('\n')]); // and a blank row
  const { file: correction } = await intake.accept(
    Readable.from([body]),
    `CORRECTION_${r.fileName}`,
    'COUNTSENDER',
  );
  const done = await h.waitForFile(correction.fileId);
  assert.equal(done.state, 'split', done.reason ?? '');
  assert.deepEqual(done.counts, { lines: 5, emitted: 1, deadLettered: 1, parked: 1, context: 2 });
  const parked = (await h.rt.kafka.readAll(h.rt.topic('usage.lines.parked'))).map((m) => m.key!.toString());
  assert.deepEqual(parked, [last.lineId]);
  assert.ok(done.warnings.some((w) => /1 row\(s\) .* parked/.test(w)));
});

test('the ledger rebuilt from the topics alone equals the live one', async () => {
  await assertRebuildEqualsLive(config);
});
