import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AvroSerde, createRegistryClient } from '../../core/registry/index.ts';
import type { UsageLine } from '../../core/schemas/index.ts';
import { generateDsrBuffer, buildFile, nwr, rec } from '../../fixtures/index.ts';
import { Intake } from '../../ingest/index.ts';
import { loadReferenceFiles, MatcherService, type RestoreProgress } from '../../matcher/index.ts';
import { matchStatus } from '../../ledger/index.ts';
import { logger } from '../support/harness.ts';
import { configFrom, ingestEnv, IngestHarness } from '../support/ingest.ts';
import { assertRebuildEqualsLive } from '../support/ledger.ts';

const config = configFrom(ingestEnv('matcher', { TALLYLINE_MATCHER_GROUP: `test-matcher-${Date.now()}` }));
let h: IngestHarness;
let matcher: MatcherService | null = null;

before(async () => {
  h = await IngestHarness.start(config);
});
after(async () => {
  await matcher?.stop();
  await h.stop();
});

test('a loaded catalog, an ingested report: the lines whose ISRC the catalog links are matched, the rest unmatched, every line counted once', async () => {
  const report = generateDsrBuffer({ seed: 41, usageLines: 400, corruptionRate: 0.01 });
  const { file } = await new Intake(h.rt).accept(Readable.from([report.content]), report.fileName, 'MATCH');
  const split = await h.waitForFile(file.fileId);
  const emitted = split.counts!.emitted;

  const serde = await AvroSerde.forTopic(
    createRegistryClient(config),
    h.rt.topic('usage.lines'),
    'UsageLine',
  );
  const lines: UsageLine[] = [];
  for (const m of await h.rt.kafka.readAll(h.rt.topic('usage.lines')))
    lines.push(await serde.decode(m.value!));
  const single = lines.filter((l) => l.resources.length === 1 && l.resources[0]!.isrc);
  const catalogIsrcs = [...new Set(single.map((l) => l.resources[0]!.isrc!))].slice(0, 8);
  const works = catalogIsrcs.map((isrc, i) => [nwr(i, `WORK ${i}`, `WN${i}`), rec(i, 1, isrc)]);
  const [loaded] = await loadReferenceFiles(
    config,
    logger,
    [{ name: 'catalog.V21', bytes: Buffer.from(buildFile(works)) }],
    'catalog',
  );
  assert.equal(loaded!.loaded, catalogIsrcs.length);

  const progress: RestoreProgress[] = [];
  matcher = await MatcherService.start(config, logger, { onRestoreProgress: (p) => progress.push(p) });
  assert.equal(matcher.state.recordings.size, catalogIsrcs.length, 'reference data restored before matching');
  // The restore's progress: from nothing to all of it, never backwards.
  assert.deepEqual(progress[0], { ...progress[0]!, fraction: 0, works: 0, recordings: 0 });
  assert.deepEqual(progress.at(-1), {
    ...progress.at(-1)!,
    fraction: 1,
    works: catalogIsrcs.length,
    recordings: catalogIsrcs.length,
  });
  progress.slice(1).forEach((p, i) => assert.ok(p.fraction >= progress[i]!.fraction));

  // A line reported at release level matches too when every one of its resources is linked.
  const expected = lines.filter(
    (l) => l.resources.length > 0 && l.resources.every((r) => r.isrc && catalogIsrcs.includes(r.isrc)),
  );
  let status;
  for (let i = 0; i < 120; i++) {
    [status] = await matchStatus(config, logger, async () => emitted);
    if (status?.caughtUp) break;
    await sleep(500);
  }
  assert.ok(status?.caughtUp, `caught up: ${JSON.stringify(status)}`);
  assert.equal(status.events, emitted);
  assert.equal(status.matched, expected.length);
  assert.equal(status.unmatched, emitted - expected.length);
  assert.equal(status.deadLettered, 0);
  assert.deepEqual(status.byMethod, { ISRC_LINK: expected.length });

  const matchedSerde = await AvroSerde.forTopic(
    createRegistryClient(config),
    h.rt.topic('usage.matched'),
    'MatchedUsage',
  );
  for (const m of await h.rt.kafka.readAll(h.rt.topic('usage.matched'))) {
    const v = await matchedSerde.decode(m.value!);
    const i = catalogIsrcs.indexOf(v.line.resources[v.partIndex]!.isrc!);
    assert.equal(v.workId, `catalog:WN${i}`, `${v.lineId} → the work its ISRC is linked to`);
    assert.equal(v.linkSource, 'catalog');
    assert.equal(m.key!.toString(), v.workId);
  }
});

test('a late-arriving link re-matches the lines that waited for it, and each line still counts once', async () => {
  assert.ok(matcher, 'the matcher of the first test is running');
  const report = generateDsrBuffer({ seed: 42, usageLines: 120 });
  const { file } = await new Intake(h.rt).accept(Readable.from([report.content]), report.fileName, 'LATE');
  const emitted = (await h.waitForFile(file.fileId)).counts!.emitted;
  const statusOf = async () =>
    (await matchStatus(config, logger, async () => emitted)).find((s) => s.fileId === file.fileId);
  let status;
  for (let i = 0; i < 120 && !status?.caughtUp; i++) {
    status = await statusOf();
    if (!status?.caughtUp) await sleep(500);
  }
  assert.equal(status?.matched, 0, 'nothing of this report is in the catalog yet');

  const serde = await AvroSerde.forTopic(
    createRegistryClient(config),
    h.rt.topic('usage.lines'),
    'UsageLine',
  );
  const lines: UsageLine[] = [];
  for (const m of await h.rt.kafka.readAll(h.rt.topic('usage.lines'))) {
    const l = await serde.decode(m.value!);
    if (l.fileId === file.fileId && l.resources.length === 1 && l.resources[0]!.isrc) lines.push(l);
  }
  const isrc = lines[0]!.resources[0]!.isrc!;
  const waiting = lines.filter((l) => l.resources[0]!.isrc === isrc).length;
  await loadReferenceFiles(
    config,
    logger,
    [{ name: 'late.V21', bytes: Buffer.from(buildFile([[nwr(0, 'LATE WORK', 'LATE1'), rec(0, 1, isrc)]])) }],
    'late-catalog',
  );
  for (let i = 0; i < 120; i++) {
    status = await statusOf();
    if (status?.matched === waiting) break;
    await sleep(500);
  }
  assert.deepEqual(status?.byMethod, { 'ISRC_LINK (re-match)': waiting });
  assert.equal(status?.unmatched, emitted - waiting, 're-matched lines no longer count as unmatched');
  assert.equal(status?.caughtUp, true);
  await sleep(1000);
  assert.equal((await statusOf())?.matched, waiting, 'a line is re-matched once');
});

test('two matcher instances in one group share the partitions, and the totals are exact', async () => {
  const scaleConfig = configFrom({
    ...ingestEnv('matcher-scale'),
    TALLYLINE_KAFKA_TOPIC_PREFIX: config.kafka.topicPrefix,
    TALLYLINE_REDIS_PREFIX: config.redis.prefix,
    TALLYLINE_LANDING_DIR: config.ingest.landingDir,
    TALLYLINE_MATCHER_GROUP: `test-matcher-scale-${Date.now()}`,
  });
  const first = await MatcherService.start(scaleConfig, logger, { rematch: false });
  const second = await MatcherService.start(scaleConfig, logger, { rematch: false });
  await sleep(8000); // let the group settle with both members before the lines come
  try {
    // A fresh group reads usage.lines from the start: both earlier reports are re-matched
    // by this group, which writes to the same output topics; count its own work.
    const report = generateDsrBuffer({ seed: 43, usageLines: 3000 });
    const { file } = await new Intake(h.rt).accept(Readable.from([report.content]), report.fileName, 'SCALE');
    await h.waitForFile(file.fileId);
    const total = (
      await h.rt.kafka.admin().then(async (a) => {
        const offsets = await a.topicOffsets(h.rt.topic('usage.lines'));
        await a.disconnect();
        return offsets;
      })
    ).length;
    assert.equal(total, 6, 'usage.lines has 6 partitions to share');
    const lines = (await h.rt.kafka.readAll(h.rt.topic('usage.lines'))).length;
    for (let i = 0; i < 240; i++) {
      const done =
        first.processed.matched +
        first.processed.unmatched +
        second.processed.matched +
        second.processed.unmatched;
      if (done >= lines) break;
      await sleep(500);
    }
    const a = first.processed.matched + first.processed.unmatched;
    const b = second.processed.matched + second.processed.unmatched;
    assert.ok(a > 0 && b > 0, `both instances did work: ${a} and ${b}`);
    assert.equal(a + b, lines, 'every line matched or left unmatched exactly once by the group');
  } finally {
    await first.stop();
    await second.stop();
  }
});

test('the ledger rebuilt from the topics alone equals the live one', async () => {
  await assertRebuildEqualsLive(config);
});
