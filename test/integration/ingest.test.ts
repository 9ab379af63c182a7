import assert from 'node:assert/strict';
import { createReadStream, readdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { parseDeadLetterHeaders } from '../../core/topics/index.ts';
import { repoRoot } from '../../core/paths/index.ts';
import { AvroSerde, createRegistryClient } from '../../core/registry/index.ts';
import { generateDsrBuffer } from '../../fixtures/index.ts';
import { Intake } from '../../ingest/index.ts';
import { splitWorker } from '../../app/split-worker.ts';
import { configFrom, ingestEnv, IngestHarness } from '../support/ingest.ts';

const config = configFrom(ingestEnv('ingest'));
let h: IngestHarness;
let intake: Intake;

before(async () => {
  h = await IngestHarness.start(config);
  intake = new Intake(h.rt);
});
after(() => h.stop());

const samples = path.resolve(repoRoot, '../shared/samples/dsr');

test('every shared sample DSR file is split with every line accounted for', async () => {
  const expected: Record<string, [number, number, number, number]> = {
    // lines, emitted, dead-lettered, context: read off the files by hand
    'DSR_PADPIDA00123456743_PADPIDA0123456766K_UnlimitedMusicMonthly_2020-06-01': [33, 15, 0, 18],
    DSR_TEST_YouTube_AdSupport: [35, 6, 0, 29],
    test_file_parser: [7, 0, 1, 6],
  };
  const names = readdirSync(samples).filter((n) => n.endsWith('.tsv'));
  assert.equal(names.length, 3);
  for (const name of names) {
    const result = await intake.accept(createReadStream(path.join(samples, name)), name, 'SAMPLES');
    assert.equal(result.status, 'accepted', name);
    const file = await h.waitForFile(result.file.fileId);
    assert.equal(file.state, 'split', `${name}: ${file.reason}`);
    const c = file.counts!;
    assert.equal(c.lines, c.emitted + c.deadLettered + c.context, name);
    const [key, want] = Object.entries(expected).find(([k]) => name.startsWith(k))!;
    assert.deepEqual([c.lines, c.emitted, c.deadLettered, c.context], want, key);
  }
});

test('a report with 1 % corrupt lines: exactly those lines and their orphans are dead-lettered, every other usage line is an event', async () => {
  const { fileName, truth, content } = generateDsrBuffer({ seed: 7, usageLines: 4000, corruptionRate: 0.01 });
  assert.ok(truth.deadLines.length >= 40, 'the generator corrupted lines');
  assert.ok(truth.deadLines.some((d) => d.errorClass === 'ORPHANED'));
  const result = await intake.accept(Readable.from([content]), fileName, 'GEN');
  const file = await h.waitForFile(result.file.fileId);
  assert.deepEqual(file.counts, { lines: truth.lines, ...truth.expected });
  assert.equal(file.footerCheck, 'OK');

  const dead = await h.rt.kafka.readAll(h.rt.topic('usage.lines.dlq'));
  const got = dead
    .map((m) => parseDeadLetterHeaders(m.headers))
    .filter((d) => d.fileId === file.fileId)
    .map((d) => ({ lineNumber: d.lineNumber, errorClass: d.errorClass, rootCauseLine: d.rootCauseLine }))
    .sort((a, b) => a.lineNumber - b.lineNumber);
  assert.deepEqual(
    got,
    truth.deadLines.map((d) => ({
      lineNumber: d.lineNumber,
      errorClass: d.errorClass,
      rootCauseLine: d.rootCauseLine,
    })),
  );
  // The value is the original line, untouched.
  const lines = content.toString('latin1').split(/\r?\n/);
  const ofThisFile = dead.filter((m) => parseDeadLetterHeaders(m.headers).fileId === file.fileId);
  assert.equal(ofThisFile.length, truth.expected.deadLettered);
  for (const m of ofThisFile) {
    const d = parseDeadLetterHeaders(m.headers);
    assert.equal(m.value!.toString('latin1'), lines[d.lineNumber - 1], `line ${d.lineNumber}`);
    assert.equal(m.key!.toString(), `${file.fileId}:${d.lineNumber}`);
    assert.ok(d.message.length > 10);
  }

  const events = await h.rt.kafka.readAll(h.rt.topic('usage.lines'));
  const serde = await AvroSerde.forTopic(
    createRegistryClient(config),
    h.rt.topic('usage.lines'),
    'UsageLine',
  );
  const mine = (await Promise.all(events.map((m) => serde.decode(m.value!)))).filter(
    (u) => u.fileId === file.fileId,
  );
  assert.equal(mine.length, truth.expected.emitted);
  const deadSet = new Set(truth.deadLines.map((d) => d.lineNumber));
  assert.ok(mine.every((u) => !deadSet.has(u.lineNumber)));
  assert.equal(new Set(mine.map((u) => u.lineId)).size, mine.length, 'no duplicate line ids');
  const withContext = mine.find((u) => u.resources.length > 0 && u.summary)!;
  assert.match(withContext.resources[0]!.isrc ?? '', /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/);
  assert.ok(withContext.summary!.commercialModel);
});

test('a gzip-compressed report (.tsv.gz) is split like the plain one', async () => {
  const { fileName, truth, content } = generateDsrBuffer({ seed: 8, usageLines: 3000, corruptionRate: 0.01 });
  const result = await intake.accept(Readable.from([gzipSync(content)]), `${fileName}.gz`, 'GZ');
  assert.equal(result.file.compressed, true);
  const file = await h.waitForFile(result.file.fileId);
  assert.equal(file.state, 'split', file.reason ?? '');
  assert.deepEqual(file.counts, { lines: truth.lines, ...truth.expected });
});

test('a duplicate upload returns the same file id and starts no second split', async () => {
  const fixture = readdirSync(path.join(repoRoot, 'fixtures/reports')).find(
    (n) => n.includes('2020-06-01') && n.endsWith('.tsv'),
  )!;
  const content = readFileSync(path.join(repoRoot, 'fixtures/reports', fixture));
  const first = await intake.accept(Readable.from([content]), fixture, 'DUP');
  await h.waitForFile(first.file.fileId);
  // The file is split before its job ends (the worker still closes its producer): wait for it.
  let jobsBefore = await h.rt.queue.counts();
  for (let i = 0; i < 100 && jobsBefore.active! > 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    jobsBefore = await h.rt.queue.counts();
  }
  const second = await intake.accept(Readable.from([content]), fixture, 'DUP');
  assert.equal(second.status, 'duplicate');
  assert.equal(second.file.fileId, first.file.fileId);
  assert.deepEqual(await h.rt.queue.counts(), jobsBefore, 'no job was added');
});

test('a file that is not DSR is refused with the reason, and nothing of it is published', async () => {
  const result = await intake.accept(
    Readable.from([Buffer.from('hello\tworld\nsecond\tline\n')]),
    'notes.tsv',
    'X',
  );
  const file = await h.waitForFile(result.file.fileId);
  assert.equal(file.state, 'rejected');
  assert.match(file.reason ?? '', /not a DSR flat file/);
  const refused = await intake.accept(Readable.from([Buffer.from('x')]), 'DSR_broken.tsv', 'X');
  assert.equal(refused.status, 'rejected');
  assert.match(refused.file.reason ?? '', /not a DSR file name/);
});

test('a split that cannot be done fails with the reason, and can be retried once fixed', async () => {
  const { fileName, truth, content } = generateDsrBuffer({ seed: 9, usageLines: 200 });
  const noWorker = await IngestHarness.start(configFrom(ingestEnv('retry')), { worker: false });
  try {
    const rt = noWorker.rt;
    const result = await new Intake(rt).accept(Readable.from([content]), fileName, 'RETRY');
    const stored = path.join(
      rt.config.ingest.landingDir,
      result.file.landingKey.slice(0, 2),
      result.file.landingKey,
    );
    renameSync(stored, `${stored}.away`);
    const worker = splitWorker(rt);
    try {
      const failed = await noWorker.waitForFile(result.file.fileId);
      assert.equal(failed.state, 'failed');
      assert.match(failed.reason ?? '', /landing store has no content .* files retry/);
      renameSync(`${stored}.away`, stored);
      await rt.files.update(result.file.fileId, { state: 'received', reason: null });
      assert.equal(await rt.queue.retry(result.file.fileId), true);
      const done = await noWorker.waitForFile(result.file.fileId);
      assert.deepEqual(done.counts, { lines: truth.lines, ...truth.expected });
    } finally {
      await worker.close();
    }
  } finally {
    await noWorker.stop();
  }
});
