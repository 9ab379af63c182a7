import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AvroSerde, createRegistryClient } from '../../core/registry/index.ts';
import type {
  MatchedUsage,
  RecordingLink,
  Resource,
  UnmatchedUsage,
  UsageLine,
} from '../../core/schemas/index.ts';
import { generateDsrBuffer, buildFile, nwr, rec, swr } from '../../fixtures/index.ts';
import { Intake } from '../../ingest/index.ts';
import { loadReferenceFiles, MatcherService, foldText } from '../../matcher/index.ts';
import { matchStatus } from '../../ledger/index.ts';
import { logger } from '../support/harness.ts';
import { configFrom, ingestEnv, IngestHarness } from '../support/ingest.ts';

// Rule 3, links supplied inside usage reports and release-level lines, end to end: a
// generated DSR report is ingested, a CWR catalog is built from what its lines carry, and
// a matcher matches the report against it on the real stack.

const SENDER = 'RULES';
const config = configFrom(
  ingestEnv('matcher-rules', { TALLYLINE_MATCHER_GROUP: `test-rules-${Date.now()}` }),
);
let h: IngestHarness;
let matcher: MatcherService | null = null;
const lines: UsageLine[] = [];
let matched: MatchedUsage[] = [];
let unmatched: UnmatchedUsage[] = [];
const picked = {} as {
  titleLine: UsageLine;
  dsr: Resource;
  prio: Resource;
  release: UsageLine;
  failing: UsageLine;
};

/** A CWR work transaction: title, optional ISWC, writers ("First Last"), REC links. */
function cwrWork(
  tx: number,
  title: string,
  number: string,
  o: { iswc?: string; writers?: string[]; isrcs?: string[] },
) {
  const records = [nwr(tx, title, number, o.iswc ?? '')];
  const writers = o.writers ?? [];
  writers.forEach((name, i) => {
    const parts = foldText(name).toUpperCase().split(' ');
    const share = String(Math.floor(10000 / writers.length)).padStart(5, '0');
    records.push(
      swr(tx, records.length, {
        ip: `W${i}`,
        last: parts.at(-1)!,
        first: parts.slice(0, -1).join(' '),
        share,
      }),
    );
  });
  for (const isrc of o.isrcs ?? []) records.push(rec(tx, records.length, isrc));
  return records;
}

async function readOutputs() {
  const registry = createRegistryClient(config);
  const mSerde = await AvroSerde.forTopic(registry, h.rt.topic('usage.matched'), 'MatchedUsage');
  const uSerde = await AvroSerde.forTopic(registry, h.rt.topic('usage.unmatched'), 'UnmatchedUsage');
  matched = [];
  unmatched = [];
  for (const m of await h.rt.kafka.readAll(h.rt.topic('usage.matched')))
    matched.push(await mSerde.decode(m.value!));
  for (const m of await h.rt.kafka.readAll(h.rt.topic('usage.unmatched')))
    unmatched.push(await uSerde.decode(m.value!));
}

before(async () => {
  h = await IngestHarness.start(config);
  const report = generateDsrBuffer({
    seed: 61,
    usageLines: 300,
    releaseLevelRate: 0.15,
    resourcesPerBlock: [2, 3],
  });
  const { file } = await new Intake(h.rt).accept(Readable.from([report.content]), report.fileName, SENDER);
  const emitted = (await h.waitForFile(file.fileId)).counts!.emitted;
  const serde = await AvroSerde.forTopic(
    createRegistryClient(config),
    h.rt.topic('usage.lines'),
    'UsageLine',
  );
  for (const m of await h.rt.kafka.readAll(h.rt.topic('usage.lines')))
    lines.push(await serde.decode(m.value!));

  // What each check needs, from lines of different blocks (resources are per block).
  const singles = lines.filter((l) => l.resources.length === 1 && l.resources[0]!.isrc);
  const blockOf = (l: UsageLine) => l.resources.map((r) => r.isrc).join();
  const used = new Set<string>();
  const take = <T extends UsageLine>(candidates: T[], what: string): T => {
    const found = candidates.find((l) => !used.has(l.resources[0]!.resourceRef ?? ''));
    assert.ok(found, `the report has ${what}`);
    for (const r of found.resources) used.add(r.resourceRef ?? '');
    return found;
  };
  picked.titleLine = take(
    singles.filter(
      (l) => l.resources[0]!.composers.length > 0 && !l.resources[0]!.iswc && l.resources[0]!.title,
    ),
    'a line with title and composers but no ISWC',
  );
  picked.dsr = take(
    singles.filter((l) => l.resources[0]!.iswc),
    'a line with ISRC and ISWC',
  ).resources[0]!;
  picked.prio = take(
    singles.filter((l) => l.resources[0]!.iswc),
    'another line with ISRC and ISWC',
  ).resources[0]!;
  const releaseLines = lines.filter(
    (l) => l.resources.length > 1 && l.resources.every((r) => r.isrc && !used.has(r.resourceRef ?? '')),
  );
  picked.release = take(releaseLines, 'a release-level line');
  picked.failing = take(
    releaseLines.filter((l) => blockOf(l) !== blockOf(picked.release)),
    'a second release-level line in another block',
  );

  const t = picked.titleLine.resources[0]!;
  const catalog = [
    // Rule 3: the line's title with a version mark and its composers as CWR writes them.
    cwrWork(0, `${foldText(t.title!).toUpperCase()} (REMASTERED 2011)`, 'TITLE1', { writers: t.composers }),
    // A work known by the ISWC a usage report supplies; no catalog link to it.
    cwrWork(1, 'DSR WORK', 'DSR1', { iswc: picked.dsr.iswc! }),
    // The ISWC of this resource names one work, the catalog links its ISRC to another.
    cwrWork(2, 'PRIO BY ISWC', 'PRIOISWC', { iswc: picked.prio.iswc! }),
    cwrWork(3, 'PRIO BY CATALOG', 'PRIOCAT', { isrcs: [picked.prio.isrc!] }),
    ...picked.release.resources.map((r, i) =>
      cwrWork(4 + i, `RELEASE PART ${i}`, `REL${i}`, { isrcs: [r.isrc!] }),
    ),
    // Only the first resource of the failing line is linked.
    cwrWork(4 + picked.release.resources.length, 'FAILING PART 0', 'FAIL0', {
      isrcs: [picked.failing.resources[0]!.isrc!],
    }),
  ];
  const [loaded] = await loadReferenceFiles(
    config,
    logger,
    [{ name: 'rules.V21', bytes: Buffer.from(buildFile(catalog)) }],
    'catalog',
  );
  assert.equal(loaded!.rejected, 0, JSON.stringify(loaded!.rejections));

  matcher = await MatcherService.start(config, logger);
  let status;
  for (let i = 0; i < 120 && !status?.caughtUp; i++) {
    [status] = await matchStatus(config, logger, async () => emitted);
    if (!status?.caughtUp) await sleep(500);
  }
  assert.ok(status?.caughtUp, `caught up: ${JSON.stringify(status)}`);
  await readOutputs();
  // A line is counted once, however many parts it was matched as.
  assert.equal(status.matched, new Set(matched.map((m) => m.lineId)).size);
  assert.ok(matched.length > status.matched, 'release-level lines were written as several parts');
});

after(async () => {
  await matcher?.stop();
  await h.stop();
});

test('rule 3: a line with no link and no ISWC is matched by its title and composers', () => {
  const m = matched.filter((x) => x.lineId === picked.titleLine.lineId);
  assert.equal(m.length, 1);
  assert.deepEqual(
    [m[0]!.workId, m[0]!.method, m[0]!.linkSource, m[0]!.partCount],
    ['catalog:TITLE1', 'TITLE_SIMILARITY', null, 1],
  );
  assert.ok(m[0]!.confidence >= 0.9, String(m[0]!.confidence));
  assert.equal(
    m[0]!.writers.length,
    picked.titleLine.resources[0]!.composers.length,
    'the shares in force travel',
  );
  // Nothing else was taken for that work but uses of the same resource (or its very title).
  for (const x of matched.filter((y) => y.workId === 'catalog:TITLE1')) {
    assert.equal(x.method, 'TITLE_SIMILARITY');
    assert.equal(
      foldText(x.line.resources[x.partIndex]!.title!),
      foldText(picked.titleLine.resources[0]!.title!),
    );
  }
});

test('release level: a line whose resources all match is written as one part per resource; otherwise unmatched, naming the failed ones', () => {
  const parts = matched
    .filter((x) => x.lineId === picked.release.lineId)
    .sort((a, b) => a.partIndex - b.partIndex);
  const n = picked.release.resources.length;
  assert.deepEqual(
    parts.map((p) => [p.partIndex, p.partCount, p.workId, p.method]),
    picked.release.resources.map((_, i) => [i, n, `catalog:REL${i}`, 'ISRC_LINK']),
  );
  const failing = unmatched.find((u) => u.lineId === picked.failing.lineId);
  assert.ok(failing, 'the partly known release-level line is unmatched');
  assert.match(
    failing.reason,
    new RegExp(
      `^usage reported at release level over ${picked.failing.resources.length} resources; \\d+ not matched: resource 2 `,
    ),
  );
  assert.ok(!failing.reason.includes('resource 1 ('), 'the matched resource is not named');
  assert.ok(!matched.some((x) => x.lineId === picked.failing.lineId));
});

test('an ISRC → ISWC link supplied in a usage report is recorded and used, below catalog links', async () => {
  const serde = await AvroSerde.forTopic(
    createRegistryClient(config),
    h.rt.topic('ref.recordings'),
    'RecordingLink',
  );
  const recordings = new Map<string, RecordingLink>();
  for (const m of await h.rt.kafka.readAll(h.rt.topic('ref.recordings')))
    recordings.set(m.key!.toString(), await serde.decode(m.value!));
  const dsrLinks = recordings.get(picked.dsr.isrc!)!.links;
  assert.deepEqual(
    dsrLinks.map((l) => [l.source, l.iswc, l.workId]),
    [[`dsr:${SENDER}`, picked.dsr.iswc, null]],
  );
  assert.deepEqual(
    recordings
      .get(picked.prio.isrc!)!
      .links.map((l) => l.source)
      .sort(),
    ['catalog', `dsr:${SENDER}`],
    "the report's link is kept beside the catalog's",
  );

  // Lines of another file carrying only the ISRC: the first is matched through the report's
  // link, the second through the catalog's, which outranks the report's.
  const template = picked.titleLine;
  const only = (r: Resource): Resource => ({
    ...r,
    iswc: null,
    title: 'Nothing Like It',
    composers: [],
    displayArtists: [],
  });
  const probe = [picked.dsr, picked.prio].map((r, i): UsageLine => ({
    ...template,
    fileId: 'probe',
    lineNumber: i + 1,
    lineId: `probe:${i + 1}`,
    resources: [only(r)],
  }));
  const lineSerde = await AvroSerde.forTopic(
    createRegistryClient(config),
    h.rt.topic('usage.lines'),
    'UsageLine',
  );
  const producer = await h.rt.kafka.producer();
  await producer.send(
    h.rt.topic('usage.lines'),
    probe.map((l) => ({ key: l.lineId, value: lineSerde.encode(l) })),
  );
  await producer.disconnect();
  let got: MatchedUsage[] = [];
  for (let i = 0; i < 120 && got.length < 2; i++) {
    await sleep(500);
    await readOutputs();
    got = matched.filter((m) => m.fileId === 'probe').sort((a, b) => a.lineId.localeCompare(b.lineId));
  }
  assert.deepEqual(
    got.map((m) => [m.lineId, m.workId, m.method, m.linkSource]),
    [
      ['probe:1', 'catalog:DSR1', 'ISRC_LINK', `dsr:${SENDER}`],
      ['probe:2', 'catalog:PRIOCAT', 'ISRC_LINK', 'catalog'],
    ],
  );
});
