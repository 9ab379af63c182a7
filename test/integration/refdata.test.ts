import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { KafkaClient } from '../../core/kafka/index.ts';
import { repoRoot } from '../../core/paths/index.ts';
import { AvroSerde, createRegistryClient } from '../../core/registry/index.ts';
import type { RecordingLink, Work } from '../../core/schemas/index.ts';
import { topicName } from '../../core/topics/index.ts';
import { buildFile, nwr, rec } from '../../fixtures/index.ts';
import { loadReferenceFiles } from '../../matcher/index.ts';
import { dropPrefix, logger } from '../support/harness.ts';
import { configFrom, ingestEnv, provision } from '../support/ingest.ts';

const config = configFrom(ingestEnv('refdata'));
const kafka = new KafkaClient(config, logger);
const samples = path.resolve(repoRoot, '../shared/samples/cwr');

before(() => provision(config));
after(() => dropPrefix(config));

async function readTopic<T extends 'Work' | 'RecordingLink'>(
  topic: 'ref.works' | 'ref.recordings',
  schema: T,
) {
  const name = topicName(config.kafka.topicPrefix, topic);
  const serde = await AvroSerde.forTopic(createRegistryClient(config), name, schema);
  const latest = new Map<string, unknown>();
  for (const m of await kafka.readAll(name))
    latest.set(m.key!.toString(), structuredClone(await serde.decode(m.value!)));
  return latest;
}

test('the shared CWR samples load onto ref.works with exact counts and the trailers agree', async () => {
  const files = ['CW220001DMP_000.V21', 'nwrexample2.V21'].map((name) => ({
    name,
    bytes: readFileSync(path.join(samples, name)),
  }));
  const reports = await loadReferenceFiles(config, logger, files, 'samples');
  assert.deepEqual(
    reports.map((r) => [r.file, r.read, r.loaded, r.rejected, r.trailerCheck]),
    [
      ['CW220001DMP_000.V21', 1, 1, 0, 'OK'],
      ['nwrexample2.V21', 1, 1, 0, 'OK'],
    ],
  );
  const works = (await readTopic('ref.works', 'Work')) as Map<string, Work>;
  assert.equal(works.size, 2);
  const cartoons = [...works.values()].find((w) => w.title === 'MUSIC PUB CARTOONS')!;
  assert.equal(cartoons.iswc, 'T1234567894');
  assert.deepEqual(
    cartoons.publishers.map((p) => [p.name, p.shareBasisPoints]).filter(([n]) => n),
    [['TEST PUBLISHER', 3750]],
  );
  assert.ok(cartoons.writers.some((w) => w.name === 'KOLARIC MATIJA' && w.shareBasisPoints === 2500));
});

test("two sources linking one ISRC: both links are kept, and a source's reload replaces only its own", async () => {
  const fileFrom = (workNumber: string) =>
    Buffer.from(buildFile([[nwr(0, `SONG ${workNumber}`, workNumber), rec(0, 1, 'gbaht0900445')]]));
  await loadReferenceFiles(config, logger, [{ name: 'a.V21', bytes: fileFrom('A1') }], 'society-a');
  await loadReferenceFiles(config, logger, [{ name: 'b.V21', bytes: fileFrom('B1') }], 'publisher-b');
  let links = ((await readTopic('ref.recordings', 'RecordingLink')) as Map<string, RecordingLink>).get(
    'GBAHT0900445',
  )!;
  assert.deepEqual(links.links.map((l) => [l.source, l.workId]).sort(), [
    ['publisher-b', 'publisher-b:B1'],
    ['society-a', 'society-a:A1'],
  ]);
  await loadReferenceFiles(config, logger, [{ name: 'a2.V21', bytes: fileFrom('A2') }], 'society-a');
  links = ((await readTopic('ref.recordings', 'RecordingLink')) as Map<string, RecordingLink>).get(
    'GBAHT0900445',
  )!;
  assert.deepEqual(links.links.map((l) => [l.source, l.workId]).sort(), [
    ['publisher-b', 'publisher-b:B1'],
    ['society-a', 'society-a:A2'],
  ]);
});

test('a CSV link table adds its links beside the other sources; bad rows are named', async () => {
  const table = Buffer.from('ISRC,ISWC,Work ID,Title\ngbaht0900445,T-034.524.680-1,,Ca plane\nXX1,,W9,bad\n');
  const [report] = await loadReferenceFiles(
    config,
    logger,
    [{ name: 'links.csv', bytes: table }],
    'link-table',
  );
  assert.deepEqual([report!.format, report!.read, report!.loaded, report!.rejected], ['CSV', 2, 1, 1]);
  assert.deepEqual([report!.rejections[0]!.line, report!.rejections[0]!.field], [3, 'ISRC']);
  const links = ((await readTopic('ref.recordings', 'RecordingLink')) as Map<string, RecordingLink>).get(
    'GBAHT0900445',
  )!;
  assert.deepEqual(links.links.map((l) => l.source).sort(), ['link-table', 'publisher-b', 'society-a']);
  assert.equal(links.links.find((l) => l.source === 'link-table')!.iswc, 'T0345246801');
});
