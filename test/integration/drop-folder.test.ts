import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DatabaseError } from '../../core/db/index.ts';
import { createLogger } from '../../core/log/index.ts';
import { generateDsrBuffer } from '../../fixtures/index.ts';
import { fileStatus, Intake, DropFolderWatcher } from '../../ingest/index.ts';
import { configFrom, ingestEnv, IngestHarness } from '../support/ingest.ts';

const config = configFrom(ingestEnv('drop'));
let h: IngestHarness;
let watcher: DropFolderWatcher;

before(async () => {
  h = await IngestHarness.start(config);
  watcher = new DropFolderWatcher(config.ingest.dropDir, new Intake(h.rt), createLogger('silent'));
});
after(() => h.stop());

function partName(fileName: string, part: number, of: number): string {
  return fileName.replace('_1of1_', `_${part}of${of}_`);
}

test('a batch is taken only once its .ctrl file is there; a multi-file report is complete when every part arrived', async () => {
  const one = generateDsrBuffer({ seed: 21, usageLines: 50 });
  const two = generateDsrBuffer({ seed: 22, usageLines: 60 });
  const batch = path.join(config.ingest.dropDir, 'DROPSENDER', 'delivery-1');
  mkdirSync(batch, { recursive: true });
  writeFileSync(path.join(batch, partName(one.fileName, 1, 2)), one.content);

  assert.deepEqual(await watcher.scan(), [], 'no .ctrl yet: nothing is taken');
  assert.ok(existsSync(batch));

  writeFileSync(path.join(batch, 'delivery-1.ctrl'), '');
  const [result] = await watcher.scan();
  assert.equal(result!.sender, 'DROPSENDER');
  assert.deepEqual(
    result!.files.map((f) => f.status),
    ['accepted'],
  );
  const first = await h.waitForFile(result!.files[0]!.fileId!);
  assert.equal(first.state, 'split');
  assert.deepEqual(first.counts, { lines: one.truth.lines, ...one.truth.expected });
  const status1 = await fileStatus(h.rt, first);
  assert.deepEqual([status1.report?.part, status1.report?.of, status1.report?.complete], [1, 2, false]);
  assert.ok(
    first.warnings.some((w) => /of/.test(w)),
    'the file name and HEAD disagree on x of y: a warning',
  );

  const done = path.join(config.ingest.dropDir, 'DROPSENDER', '.done', 'delivery-1');
  assert.ok(existsSync(path.join(done, 'result.json')) && !existsSync(batch), 'the batch moved to .done');
  assert.equal(
    (JSON.parse(readFileSync(path.join(done, 'result.json'), 'utf8')) as { files: unknown[] }).files.length,
    1,
  );

  const batch2 = path.join(config.ingest.dropDir, 'DROPSENDER', 'delivery-2');
  mkdirSync(batch2, { recursive: true });
  writeFileSync(path.join(batch2, partName(one.fileName, 2, 2)), two.content);
  writeFileSync(path.join(batch2, 'go.ctrl'), '');
  const [result2] = await watcher.scan();
  const second = await h.waitForFile(result2!.files[0]!.fileId!);
  const status2 = await fileStatus(h.rt, second);
  assert.equal(status2.report?.key, status1.report?.key, 'both parts belong to one report');
  assert.deepEqual([status2.report?.partsReceived, status2.report?.complete], [[1, 2], true]);
});

test('symbolic links are never followed: not a file of the batch, not a batch, not a sender', async () => {
  const victim = generateDsrBuffer({ seed: 31, usageLines: 20 });
  const elsewhere = path.join(config.ingest.dropDir, '..', `elsewhere-${Date.now()}`);
  mkdirSync(elsewhere, { recursive: true });
  writeFileSync(path.join(elsewhere, victim.fileName), victim.content);
  // A file of the batch that is a link to a file outside the sender's folder.
  const batch = path.join(config.ingest.dropDir, 'EVE', 'delivery-1');
  mkdirSync(batch, { recursive: true });
  symlinkSync(path.join(elsewhere, victim.fileName), path.join(batch, victim.fileName));
  writeFileSync(path.join(batch, 'delivery-1.ctrl'), '');
  // A batch folder that is a link to another folder, and a sender folder that is one.
  symlinkSync(elsewhere, path.join(config.ingest.dropDir, 'EVE', 'delivery-2'));
  writeFileSync(path.join(elsewhere, 'x.ctrl'), '');
  symlinkSync(elsewhere, path.join(config.ingest.dropDir, 'MALLORY'));
  const results = await watcher.scan();
  assert.deepEqual(
    results.map((r) => [r.sender, r.batch, r.files.map((f) => [f.status, f.message])]),
    [['EVE', 'delivery-1', [['error', 'not a regular file (a symbolic link, a folder…): not taken']]]],
  );
  assert.equal((await h.rt.files.list({ sender: 'EVE' })).length, 0);
  assert.equal((await h.rt.files.list({ sender: 'MALLORY' })).length, 0);
  assert.ok(existsSync(path.join(elsewhere, victim.fileName)), 'nothing outside was moved');
  rmSync(elsewhere, { recursive: true, force: true });
});

test('a batch that meets an outage stays where it is and is taken at the next scan', async () => {
  const report = generateDsrBuffer({ seed: 33, usageLines: 30 });
  const batch = path.join(config.ingest.dropDir, 'OUTAGE', 'delivery-1');
  mkdirSync(batch, { recursive: true });
  writeFileSync(path.join(batch, report.fileName), report.content);
  writeFileSync(path.join(batch, 'delivery-1.ctrl'), '');
  // The database down for the first try, as an outage would have it.
  const intake = new Intake(h.rt);
  let down = true;
  const flaky = {
    accept: (...args: Parameters<Intake['accept']>) => {
      if (down) {
        down = false;
        args[0].resume();
        return Promise.reject(new DatabaseError('DATABASE_UNAVAILABLE', 'PostgreSQL at test: down (test)'));
      }
      return intake.accept(...args);
    },
  } as unknown as Intake;
  const w = new DropFolderWatcher(config.ingest.dropDir, flaky, createLogger('silent'));
  assert.deepEqual(await w.scan(), [], 'left for the next scan');
  assert.ok(existsSync(path.join(batch, report.fileName)));
  const [result] = await w.scan();
  assert.deepEqual(
    result!.files.map((f) => f.status),
    ['accepted'],
  );
  assert.equal((await h.waitForFile(result!.files[0]!.fileId!)).state, 'split');
  assert.ok(!existsSync(batch));
});
