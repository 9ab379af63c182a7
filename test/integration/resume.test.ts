import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '../../core/paths/index.ts';
import { generateDsrBuffer } from '../../fixtures/index.ts';
import { Intake, checkpointGroup, splitFile } from '../../ingest/index.ts';
import { configFrom, ingestEnv, IngestHarness } from '../support/ingest.ts';

// A split worker killed with SIGKILL in the middle of a file, then started again, must end
// with exact counts and no line published twice.

const env = ingestEnv('resume', {
  TALLYLINE_SPLIT_BATCH_LINES: '2000',
  TALLYLINE_SPLIT_LOCK_MS: '3000',
  TALLYLINE_LOG_LEVEL: 'warn',
});
const config = configFrom(env);
let h: IngestHarness;
const children: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawn('node', [path.join(repoRoot, 'bin/tallyline.js'), 'serve', '--no-api', '--no-watch'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

before(async () => {
  h = await IngestHarness.start(config, { worker: false });
});
after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await h.stop();
});

test('a worker killed mid-file and restarted finishes it with exact counts and no duplicate line ids', async () => {
  const { fileName, truth, content } = generateDsrBuffer({
    seed: 11,
    usageLines: 60000,
    corruptionRate: 0.01,
  });
  const { file } = await new Intake(h.rt).accept(Readable.from([content]), fileName, 'RESUME');

  const first = startWorker();
  // Kill once some transactions have committed but well before the end.
  for (;;) {
    const r = await h.rt.files.get(file.fileId);
    if (r!.progress.lines > 10000) break;
    assert.notEqual(
      r!.state,
      'split',
      'the file finished before the worker could be killed; use a bigger file',
    );
    await sleep(20);
  }
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  const atKill = (await h.rt.files.get(file.fileId))!;
  assert.equal(atKill.state, 'splitting');

  startWorker();
  const done = await h.waitForFile(file.fileId, 120000);
  assert.deepEqual(done.counts, { lines: truth.lines, ...truth.expected });

  const events = await h.rt.kafka.readAll(h.rt.topic('usage.lines'));
  const keys = events.map((m) => m.key!.toString());
  assert.equal(keys.length, truth.expected.emitted, 'exactly one event per usage line');
  assert.equal(new Set(keys).size, keys.length, 'no duplicate line ids');
  const dead = await h.rt.kafka.readAll(h.rt.topic('usage.lines.dlq'));
  assert.equal(new Set(dead.map((m) => m.key!.toString())).size, truth.expected.deadLettered);
  assert.equal(dead.length, truth.expected.deadLettered);

  const fileEvents = await h.rt.kafka.readAll(h.rt.topic('usage.files'));
  const types = await Promise.all(
    fileEvents.map((m) => h.rt.fileEvents.decode(m.value!).then((e) => e.type)),
  );
  assert.deepEqual(types.filter((t) => t === 'SPLIT_COMPLETED').length, 1, 'one completion event');
  assert.deepEqual(types.filter((t) => t === 'SPLIT_STARTED').length, 1, 'one start event');
});

test('a checkpoint that moves while the worker starts (an earlier worker still committing) fails the attempt before anything is published', async () => {
  // No worker of the test before may take this file's job: the split here is the test's own.
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGKILL');
      await new Promise((resolve) => c.once('exit', resolve));
    }
  }
  const { fileName, content } = generateDsrBuffer({ seed: 12, usageLines: 3000 });
  const { file } = await new Intake(h.rt).accept(Readable.from([content]), fileName, 'RESUME');
  const kafka = h.rt.kafka;
  const open = kafka.transactionalProducer.bind(kafka);
  // The earlier worker commits once more after this one read the checkpoint, before its own
  // producer is open (which would have fenced it).
  kafka.transactionalProducer = async (id) => {
    const producer = await open(id);
    const zombie = await open(`${id}.earlier-worker`);
    await zombie.transaction((tx) =>
      tx.sendOffsets(checkpointGroup(h.rt, file.fileId), h.rt.topic('usage.files'), [
        { partition: 0, offset: '1500' },
      ]),
    );
    await zombie.disconnect();
    return producer;
  };
  try {
    await assert.rejects(splitFile(h.rt, file.fileId), /checkpoint moved from line 0 to 1500/);
  } finally {
    kafka.transactionalProducer = open;
  }
  const events = await kafka.readAll(h.rt.topic('usage.lines'));
  assert.equal(events.filter((m) => m.key!.toString().startsWith(`${file.fileId}:`)).length, 0);
});
