import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '../../core/paths/index.ts';
import { dropSchema } from '../../core/db/index.ts';
import { deleteKeys } from '../../core/stack/index.ts';
import { generateDsrBuffer } from '../../fixtures/index.ts';
import { Intake, IngestRuntime } from '../../ingest/index.ts';
import { MatcherService } from '../../matcher/index.ts';
import { Ledger, matchStatusOf } from '../../ledger/index.ts';
import { logger } from '../support/harness.ts';
import { configFrom, ingestEnv, IngestHarness } from '../support/ingest.ts';
import { assertRebuildEqualsLive } from '../support/ledger.ts';

// The ledger under stress on the real stack: its consumer killed mid-stream again and again
// (the counts still equal a rebuild from the topics); Redis losing every key mid-run (the
// files are split anyway, each line once); the RECEIVED event failing to publish (the relay
// gets it out); a refused file sent again after the fix (split).

const env = ingestEnv('ledger', { TALLYLINE_MATCHER_GROUP: `test-ledger-matcher-${Date.now()}` });
const config = configFrom(env);
let h: IngestHarness;
const children: ChildProcess[] = [];

before(async () => {
  h = await IngestHarness.start(config);
});
after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await h.stop();
});

function ledgerServe(): ChildProcess {
  const child = spawn('node', [path.join(repoRoot, 'bin/tallyline.js'), 'ledger', 'serve'], {
    env: { ...process.env, ...env, TALLYLINE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

/** Records the ledger has applied, over every topic. */
async function applied(ledger: Ledger): Promise<number> {
  return [...(await ledger.offsets()).values()].reduce((a, b) => a + b, 0);
}

async function matcherDone(matcherGroup: string): Promise<void> {
  const admin = await h.rt.kafka.admin();
  try {
    for (let i = 0; i < 240; i++) {
      const ends = await admin.topicOffsets(h.rt.topic('usage.lines'));
      const done = await admin.groupOffsets(matcherGroup, h.rt.topic('usage.lines'));
      // The split writes usage.lines in transactions: the last offset is a commit marker.
      const behind = ends.some(
        (e) =>
          Number(e.high) > 0 &&
          Number(done.find((d) => d.partition === e.partition)?.offset ?? -1) < Number(e.high) - 1,
      );
      if (!behind) return;
      await sleep(500);
    }
    throw new Error('the matcher did not finish');
  } finally {
    await admin.disconnect();
  }
}

test('the ledger consumer killed mid-stream (SIGKILL) again and again still ends with exact counts, equal to a rebuild', async () => {
  const report = generateDsrBuffer({ seed: 77, usageLines: 40000, corruptionRate: 0.02 });
  const { file } = await new Intake(h.rt).accept(Readable.from([report.content]), report.fileName, 'KILLS');
  const split = await h.waitForFile(file.fileId, 180000);
  assert.equal(split.state, 'split');
  const matcher = await MatcherService.start(config, logger);
  try {
    await matcherDone(config.matcher.groupId);
  } finally {
    await matcher.stop();
  }

  // Killed once it is under way: some batches applied, more to come. A kill after the
  // child had caught up would prove nothing: count those that left records to apply.
  const probe = await Ledger.open(config, logger);
  let midStream = 0;
  try {
    for (let round = 0; round < 4; round++) {
      const before = await applied(probe);
      const child = ledgerServe();
      for (let i = 0; i < 600 && (await applied(probe)) <= before; i++) await sleep(50);
      await sleep(Math.floor(Math.random() * 300));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      if ((await probe.lag()).some((p) => p.lag > 1)) midStream++;
    }
  } finally {
    await probe.close();
  }
  assert.ok(midStream >= 2, `${midStream} of 4 kills left records to apply`);
  // A last run to the end, in this process; then the counts against the truth and a rebuild.
  const ledger = await Ledger.open(config, logger);
  try {
    await ledger.catchUp();
    const [status] = await matchStatusOf(ledger.db, undefined, { fileIds: [file.fileId] });
    assert.equal(status!.emitted, report.truth.expected.emitted);
    assert.equal(status!.matched + status!.unmatched, report.truth.expected.emitted);
    assert.ok(status!.caughtUp);
    const { rows } = await ledger.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM dead_letters WHERE file_id = $1',
      [file.fileId],
    );
    assert.equal(rows[0]!.n, report.truth.expected.deadLettered);
  } finally {
    await ledger.close();
  }
  await assertRebuildEqualsLive(config);
});

test('Redis losing every key mid-run: the files are split anyway, each line published once, counts exact', async () => {
  const reports = [81, 82, 83].map((seed) =>
    generateDsrBuffer({ seed, usageLines: 15000, corruptionRate: 0.01 }),
  );
  const intake = new Intake(h.rt);
  const ids: string[] = [];
  for (const r of reports)
    ids.push((await intake.accept(Readable.from([r.content]), r.fileName, 'FLUSH')).file.fileId);
  // Mid-run: the first file splitting, the others waiting in the queue.
  for (let i = 0; i < 400; i++) {
    const f = await h.rt.files.get(ids[0]!);
    if (f?.state === 'splitting' && f.progress.lines > 0) break;
    await sleep(25);
  }
  // As FLUSHALL would (only this test's keys: other test files share the Redis), while files
  // are still owed their split: otherwise nothing would have to come back.
  const unfinished = (await Promise.all(ids.map((id) => h.rt.files.get(id)))).filter(
    (f) => f!.state !== 'split',
  );
  assert.ok(unfinished.length > 0, 'files still to split when Redis loses its keys');
  const deleted = await deleteKeys(config.redis.url, `${config.redis.prefix}:*`);
  assert.ok(deleted > 0);
  for (const [i, id] of ids.entries()) {
    const done = await h.waitForFile(id, 240000);
    assert.equal(done.state, 'split', `${id}: ${done.state} ${done.reason}`);
    assert.deepEqual(
      { ...done.counts, parked: undefined },
      {
        lines:
          reports[i]!.truth.expected.emitted +
          reports[i]!.truth.expected.deadLettered +
          reports[i]!.truth.expected.context,
        emitted: reports[i]!.truth.expected.emitted,
        deadLettered: reports[i]!.truth.expected.deadLettered,
        context: reports[i]!.truth.expected.context,
        parked: undefined,
      },
    );
  }
  // Paged, newest first: two, then the one received before the second.
  const page = await h.rt.files.list({ sender: 'FLUSH', limit: 2 });
  assert.deepEqual(
    page.map((f) => f.fileId),
    [ids[2], ids[1]],
  );
  const next = await h.rt.files.list({ sender: 'FLUSH', limit: 2, before: page[1]!.receivedAt });
  assert.deepEqual(
    next.map((f) => f.fileId),
    [ids[0]],
  );
  // Each line once on usage.lines (read committed): as many records as distinct line ids.
  const keys = (await h.rt.kafka.readAll(h.rt.topic('usage.lines')))
    .map((m) => m.key!.toString())
    .filter((k) => ids.some((id) => k.startsWith(`${id}:`)));
  assert.equal(keys.length, new Set(keys).size, 'no line published twice');
  assert.equal(
    keys.length,
    reports.reduce((n, r) => n + r.truth.expected.emitted, 0),
  );
});

test('a RECEIVED event that fails to publish is published by the relay later, and the file is split', async () => {
  const rt = await IngestRuntime.create(config, logger);
  try {
    // The broker refusing this one publish, as an outage would.
    const publish = rt.fileEvents.publish.bind(rt.fileEvents);
    let refused = 0;
    rt.fileEvents.publish = async (target, event) => {
      if (event.type === 'RECEIVED' && refused === 0) {
        refused++;
        throw new Error('broker unavailable (test)');
      }
      return publish(target, event);
    };
    const report = generateDsrBuffer({ seed: 91, usageLines: 50 });
    const result = await new Intake(rt).accept(Readable.from([report.content]), report.fileName, 'OUTBOX');
    assert.equal(
      result.status,
      'accepted',
      'the upload is taken: the row and its outbox entries are written',
    );
    assert.equal(refused, 1);
    const { rows } = await rt.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM outbox WHERE file_id = $1 AND done_at IS NULL',
      [result.file.fileId],
    );
    assert.equal(rows[0]!.n, 2, 'the event and the split job still owed');
    // A re-upload meanwhile is a duplicate, not a second file.
    const again = await new Intake(rt).accept(Readable.from([report.content]), report.fileName, 'OUTBOX');
    assert.equal(again.status, 'duplicate');
    // The harness's split worker runs a relay: it publishes and enqueues.
    const done = await h.waitForFile(result.file.fileId, 60000);
    assert.equal(done.state, 'split');
    const received = (await h.rt.kafka.readAll(h.rt.topic('usage.files')))
      .filter((m) => m.key!.toString() === result.file.fileId)
      .map(async (m) => (await h.rt.fileEvents.decode(m.value!)).type);
    assert.equal((await Promise.all(received)).filter((t) => t === 'RECEIVED').length, 1);
  } finally {
    await rt.close();
  }
});

test('a file refused for a missing CSV mapping, sent again after the fix, is split', async () => {
  const name = 'ACMESTREAM_2020-06_usage_20200703T075930.csv';
  const csv = readFileSync(path.join(repoRoot, 'fixtures', 'reports', name));
  const mapping = JSON.parse(
    readFileSync(path.join(repoRoot, 'fixtures', 'reports', `${name}.mapping.json`), 'utf8'),
  );
  // Its own topics and ledger: the services restart with the fixed configuration.
  const csvEnv = ingestEnv('ledgercsv');
  const before = await IngestHarness.start(configFrom(csvEnv), { worker: false });
  let refusedId: string;
  try {
    const refused = await new Intake(before.rt).accept(Readable.from([csv]), name, 'ACMESTREAM');
    assert.equal(refused.status, 'rejected');
    assert.match(refused.file.reason!, /no CSV column mapping is configured for sender ACMESTREAM/);
    refusedId = refused.file.fileId;
  } finally {
    await before.close();
  }
  const fixed = await IngestHarness.start(
    configFrom({ ...csvEnv, TALLYLINE_CSV_MAPPINGS: JSON.stringify({ ACMESTREAM: mapping }) }),
  );
  try {
    const again = await new Intake(fixed.rt).accept(Readable.from([csv]), name, 'ACMESTREAM');
    assert.equal(again.status, 'accepted');
    assert.equal(again.file.fileId, refusedId);
    assert.equal(again.file.attempt, 2);
    const done = await fixed.waitForFile(again.file.fileId, 60000);
    assert.equal(done.state, 'split', done.reason ?? '');
    assert.ok(done.counts!.emitted > 0);
    assert.equal(done.counts!.lines, done.counts!.emitted + done.counts!.deadLettered + done.counts!.context);
  } finally {
    await fixed.stop();
  }
});

test('tallyline ledger status and ledger rebuild, as a user runs them', async () => {
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string }>((resolve) => {
      const child = spawn('node', [path.join(repoRoot, 'bin/tallyline.js'), ...args], {
        env: { ...process.env, ...env, TALLYLINE_LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.on('exit', (code) => resolve({ code: code ?? 1, stdout }));
    });
  const rebuilt = await run(['ledger', 'rebuild', '--json']);
  assert.equal(rebuilt.code, 0, rebuilt.stdout);
  const result = JSON.parse(rebuilt.stdout) as { diff: object; replaced: boolean; schema: string };
  assert.deepEqual(result.diff, {});
  assert.equal(result.replaced, false);
  // The rebuild left the live ledger caught up (it compared against it): no lag anywhere.
  const status = await run(['ledger', 'status', '--json']);
  assert.equal(status.code, 0);
  const { partitions } = JSON.parse(status.stdout) as { partitions: { topic: string; lag: number }[] };
  assert.ok(partitions.length >= 6);
  assert.ok(
    partitions.every((p) => p.lag === 0),
    JSON.stringify(partitions.filter((p) => p.lag)),
  );
  await dropSchema({ url: config.database.url, schema: result.schema });
});
