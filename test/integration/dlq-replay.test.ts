import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { deadLetterHeaders, REPLAY_COUNT_HEADER } from '../../core/topics/index.ts';
import {
  applyPurge,
  DeadLetters,
  purgeSelection,
  replay,
  type ReplayOptions,
} from '../../dead-letters/index.ts';
import { generateDsrBuffer } from '../../fixtures/index.ts';
import { Intake } from '../../ingest/index.ts';
import { configFrom, ingestEnv, IngestHarness } from '../support/ingest.ts';
import { senderFix } from '../support/dlq.ts';
import { assertRebuildEqualsLive } from '../support/ledger.ts';

const config = configFrom(ingestEnv('dlqreplay'));
let h: IngestHarness;
let dlq: DeadLetters;
const report = generateDsrBuffer({
  seed: 57,
  usageLines: 300,
  corruptionRate: 0.05,
  corruptionKinds: ['BAD_ISRC', 'INVALID_NUMBER'],
});
let fileId = '';

const keysOn = async (topic: string) =>
  (await h.rt.kafka.readAll(h.rt.topic(topic as 'usage.lines'))).map((m) => m.key!.toString());
const options = (extra: Partial<ReplayOptions> = {}): ReplayOptions => ({
  filter: { fileId },
  apply: true,
  maxReplays: 3,
  rate: 1000,
  by: 'tester',
  ...extra,
});

before(async () => {
  h = await IngestHarness.start(config);
  dlq = DeadLetters.of(h.rt);
  const { file } = await new Intake(h.rt).accept(Readable.from([report.content]), report.fileName, 'REPLAY');
  fileId = file.fileId;
  await h.waitForFile(fileId);
});
after(() => h.stop());

test('a dry run shows what would happen, by reason, and changes nothing', async () => {
  const before = await dlq.list({ fileId });
  const usage = (await keysOn('usage.lines')).length;
  const result = await replay(h.rt, dlq, options({ apply: false }));
  assert.equal(result.applied, false);
  assert.deepEqual(
    result.lines.map((l) => l.lineId),
    report.truth.deadLines.map((d) => `${fileId}:${d.lineNumber}`),
  );
  const byReason: Record<string, number> = {};
  for (const d of report.truth.deadLines) byReason[d.errorClass] = (byReason[d.errorClass] ?? 0) + 1;
  assert.deepEqual(result.byReason, byReason);
  assert.ok(result.byReason.ORPHANED! > 0 && result.byReason.INVALID_NUMBER! > 0, 'the fixture has both');
  // Nothing was fixed: each line would fail again with its own error.
  assert.ok(result.lines.every((l) => l.result === 'failed-again' && l.now === l.errorClass));

  assert.deepEqual(await dlq.list({ fileId }), before);
  assert.equal((await keysOn('usage.lines')).length, usage);
  assert.equal((await keysOn('usage.lines.dlq')).length, report.truth.expected.deadLettered);
  assert.deepEqual(await keysOn('dlq.audit'), []);
});

test('--apply with a corrected line publishes it once under its lineId, however often it runs', async () => {
  const [bad] = await dlq.list({ fileId, errorClass: 'INVALID_NUMBER' });
  const corrections = new Map([[bad!.lineId, senderFix(bad!)]]);
  const first = await replay(h.rt, dlq, options({ corrections }));
  assert.deepEqual(
    first.lines.map((l) => [l.lineId, l.now, l.result]),
    [[bad!.lineId, 'usage', 'resolved']],
  );
  const second = await replay(h.rt, dlq, options({ corrections }));
  assert.equal(second.lines.length, 0, 'a resolved line is not replayed again');

  const copies = (await h.rt.kafka.readAll(h.rt.topic('usage.lines'))).filter(
    (m) => m.key!.toString() === bad!.lineId,
  );
  assert.equal(copies.length, 1);
  assert.equal(copies[0]!.headers[REPLAY_COUNT_HEADER]?.toString(), '1');
  const line = await h.rt.usageSerde.decode(copies[0]!.value!);
  assert.equal(line.lineId, bad!.lineId);
  assert.equal((await dlq.list({ fileId, state: 'resolved' })).length, 1);
  assert.equal((await h.rt.files.get(fileId))!.corrected, 1);
});

test('a corrected resource line brings back the usage lines it orphaned', async () => {
  const root = (await dlq.list({ fileId, errorClass: 'INVALID_ISRC' }))[0]!;
  const orphans = report.truth.deadLines.filter((d) => d.rootCauseLine === root.lineNumber);
  assert.ok(orphans.length > 0);
  const result = await replay(h.rt, dlq, options({ corrections: new Map([[root.lineId, senderFix(root)]]) }));
  assert.deepEqual(
    result.lines.map((l) => [l.lineId, l.now, l.result]),
    [
      [root.lineId, 'context', 'resolved'],
      ...orphans.map((o) => [`${fileId}:${o.lineNumber}`, 'usage', 'resolved']),
    ],
  );
  const usage = await keysOn('usage.lines');
  for (const o of orphans) assert.ok(usage.includes(`${fileId}:${o.lineNumber}`));
  assert.equal((await h.rt.files.get(fileId))!.corrected, 1 + 1 + orphans.length);
});

test('the loop guard parks a line that keeps failing, with its attempts', async () => {
  const [bad] = await dlq.list({ fileId, errorClass: 'INVALID_NUMBER', state: 'open' });
  const stillBad = new Map([[bad!.lineId, bad!.raw]]);
  const run = () => replay(h.rt, dlq, options({ corrections: stillBad, maxReplays: 2 }));

  assert.deepEqual((await run()).results, { 'failed-again': 1 });
  const again = (await dlq.list({ fileId })).find((d) => d.lineId === bad!.lineId)!;
  assert.deepEqual([again.state, again.attempt, again.replays], ['open', 2, 1]);
  assert.equal(again.firstFailure.getTime(), bad!.firstFailure.getTime());

  assert.deepEqual((await run()).results, { parked: 1 });
  const parked = (await h.rt.kafka.readAll(h.rt.topic('usage.lines.parked'))).filter(
    (m) => m.key!.toString() === bad!.lineId,
  );
  assert.equal(parked.length, 1);
  assert.equal(parked[0]!.headers['tallyline.attempt']?.toString(), '3');
  assert.equal(parked[0]!.value!.toString('latin1'), bad!.raw.toString('latin1'));
  assert.equal((await dlq.list({ fileId, state: 'parked' }))[0]?.lineId, bad!.lineId);
  assert.equal((await run()).lines.length, 0, 'a parked line waits for a person');
});

test('a match-stage dead letter goes back to usage.lines as it was, once', async () => {
  const [record] = (await h.rt.kafka.readAll(h.rt.topic('usage.lines'))).filter(
    (m) => !m.headers[REPLAY_COUNT_HEADER],
  );
  const lineId = record!.key!.toString();
  const now = new Date();
  // As the matcher dead-letters a record it cannot handle.
  const deadAtMatch = async (attempt: number, message: string) =>
    (await h.rt.producer()).send(h.rt.topic('usage.lines.dlq'), [
      {
        key: lineId,
        value: record!.value,
        headers: deadLetterHeaders({
          lineId,
          fileId,
          lineNumber: Number(lineId.split(':')[1]),
          stage: 'match',
          errorClass: 'MATCH_FAILED',
          message,
          source: { topic: record!.topic, partition: record!.partition, offset: record!.offset },
          attempt,
          firstFailure: now,
          lastFailure: new Date(),
        }),
      },
    ]);
  await deadAtMatch(1, 'test');
  const filter = { fileId, stage: 'match' };
  assert.deepEqual(
    (await replay(h.rt, dlq, options({ filter }))).lines.map((l) => l.result),
    ['replayed'],
  );
  assert.equal((await replay(h.rt, dlq, options({ filter }))).lines.length, 0);
  const copies = (await h.rt.kafka.readAll(h.rt.topic('usage.lines'))).filter(
    (m) => m.key!.toString() === lineId,
  );
  assert.equal(copies.length, 2, 'the original and one replay');
  assert.ok(copies[1]!.value!.equals(record!.value!));

  // The matcher dead-letters it again: with --max-replays 1 the loop guard parks it.
  await deadAtMatch(2, 'test, again');
  const guarded = await replay(h.rt, dlq, options({ filter, maxReplays: 1 }));
  assert.deepEqual(
    guarded.lines.map((l) => [l.lineId, l.result]),
    [[lineId, 'parked']],
  );
  const after = (await h.rt.kafka.readAll(h.rt.topic('usage.lines'))).filter(
    (m) => m.key!.toString() === lineId,
  );
  assert.equal(after.length, 2, 'not sent to the matcher again');
  const parked = (await h.rt.kafka.readAll(h.rt.topic('usage.lines.parked'))).filter(
    (m) => m.key!.toString() === lineId,
  );
  assert.equal(parked.length, 1);
  assert.equal((await dlq.list({ fileId, state: 'parked' })).filter((d) => d.lineId === lineId).length, 1);
});

test('purge takes only resolved lines unless forced; every replay and purge is audited', async () => {
  const all = await dlq.list({ fileId });
  const resolved = all.filter((d) => d.state === 'resolved');
  const selection = purgeSelection(all, false);
  assert.deepEqual(
    selection.purge.map((d) => d.lineId),
    resolved.map((d) => d.lineId),
  );
  assert.equal(selection.refused.length, all.length - resolved.length);
  await applyPurge(dlq, selection, {
    filter: { fileId },
    force: false,
    by: 'tester',
  });
  const left = await dlq.list({ fileId });
  assert.ok(left.every((d) => d.state !== 'resolved'));
  assert.equal((await dlq.list({ fileId, state: 'purged' })).length, resolved.length);
  assert.equal(purgeSelection(left.slice(0, 1), true).purge.length, 1, '--force takes an open line');

  const audit = (await h.rt.kafka.readAll(h.rt.topic('dlq.audit'))).map(
    (m) => JSON.parse(m.value!.toString()) as { action: string; by: string; lineIds: string[] },
  );
  assert.deepEqual(
    audit.map((a) => a.action),
    // one record per replay batch of the tests above (the loop guard's parking is one), then the purge
    ['replay', 'replay', 'replay', 'replay', 'replay', 'replay', 'purge'],
  );
  assert.ok(audit.every((a) => a.by === 'tester' && a.lineIds.length > 0));
  assert.deepEqual(
    audit.at(-1)!.lineIds,
    resolved.map((d) => d.lineId),
  );
});

test('an interrupted --apply run, started again, skips the lines it did', async () => {
  const two = (await dlq.list({ fileId, errorClass: 'INVALID_NUMBER', state: 'open' })).slice(0, 2);
  assert.equal(two.length, 2);
  const stillBad = new Map(two.map((d) => [d.lineId, d.raw]));
  const opts = options({ corrections: stillBad, maxReplays: 5, rate: 1 });
  await assert.rejects(
    replay(h.rt, dlq, {
      ...opts,
      onBatch: () => {
        throw new Error('killed');
      },
    }),
    /killed/,
  );
  const resumed = await replay(h.rt, dlq, opts);
  assert.equal(resumed.resumed, 1);
  assert.deepEqual(
    resumed.lines.map((l) => l.result),
    ['skipped', 'failed-again'],
  );
  const replays = (await dlq.list({ fileId })).filter((d) => stillBad.has(d.lineId)).map((d) => d.replays);
  assert.deepEqual(replays, [1, 1], 'each line replayed once over both runs');
});

test('a replay that crashes between its Kafka transaction and Redis, run again, publishes and counts each line once', async () => {
  const [good, bad] = await dlq.list({ fileId, errorClass: 'INVALID_NUMBER', state: 'open' });
  assert.ok(good && bad);
  const corrections = new Map([
    [good.lineId, senderFix(good)],
    [bad.lineId, bad.raw],
  ]);
  const opts = options({ corrections, maxReplays: 9 });
  const corrected = (await h.rt.files.get(fileId))!.corrected!;
  const deadBefore = (await keysOn('usage.lines.dlq')).filter((k) => k === bad.lineId).length;
  const audits = async () =>
    (await h.rt.kafka.readAll(h.rt.topic('dlq.audit'))).filter((m) =>
      (JSON.parse(m.value!.toString()) as { lineIds: string[] }).lineIds.includes(good.lineId),
    ).length;
  const auditBefore = await audits();
  await assert.rejects(
    replay(h.rt, dlq, {
      ...opts,
      afterCommit: () => Promise.reject(new Error('killed')),
    }),
    /killed/,
  );
  // Kafka has the batch, Redis does not know yet: the run again settles it, publishes nothing.
  const again = await replay(h.rt, dlq, opts);
  assert.deepEqual(
    again.lines.map((l) => [l.lineId, l.result]),
    [[bad.lineId, 'skipped']],
  );
  assert.equal((await keysOn('usage.lines')).filter((k) => k === good.lineId).length, 1);
  assert.equal((await keysOn('usage.lines.dlq')).filter((k) => k === bad.lineId).length, deadBefore + 1);
  const now = new Map((await dlq.list({ fileId })).map((d) => [d.lineId, d]));
  assert.deepEqual(
    [now.get(good.lineId)!.state, now.get(good.lineId)!.replays],
    ['resolved', good.replays + 1],
  );
  assert.deepEqual([now.get(bad.lineId)!.state, now.get(bad.lineId)!.replays], ['open', bad.replays + 1]);
  assert.equal((await h.rt.files.get(fileId))!.corrected, corrected + 1);
  assert.equal(await audits(), auditBefore + 1, 'one audit record for the batch');
});

test('a line another run holds is not replayed: the run is refused, naming it', async () => {
  const [line] = await dlq.list({ fileId, errorClass: 'INVALID_NUMBER', state: 'open' });
  assert.deepEqual(await dlq.claim([line!.lineId], 'correction.other'), []);
  await assert.rejects(
    replay(h.rt, dlq, options({ corrections: new Map([[line!.lineId, senderFix(line!)]]) })),
    (err: Error & { code?: string }) =>
      err.code === 'IN_PROGRESS' && err.message.includes(`${line!.lineId} (correction.other)`),
  );
  assert.equal((await keysOn('usage.lines')).filter((k) => k === line!.lineId).length, 0);
});

test('the ledger rebuilt from the topics alone equals the live one', async () => {
  await assertRebuildEqualsLive(config);
});
