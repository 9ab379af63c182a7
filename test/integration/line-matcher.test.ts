import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseDeadLetterHeaders, topicName } from '../../core/topics/index.ts';
import type { IncomingMessage } from '../../core/kafka/index.ts';
import { AvroSerde, createRegistryClient } from '../../core/registry/index.ts';
import { sampleUsageLine, sampleWork, type UsageLine } from '../../core/schemas/index.ts';
import { LineMatcher, type LineMatcherSerdes, ReferenceState } from '../../matcher/index.ts';
import { dropPrefix } from '../support/harness.ts';
import { configFrom, ingestEnv, provision } from '../support/ingest.ts';

// The matcher's work on a batch, without Kafka: usage.lines records in, the records to write
// out. The serdes are the real ones (their schema ids come from the registry).

const config = configFrom(ingestEnv('line-matcher'));
const t = (name: Parameters<typeof topicName>[1]) => topicName(config.kafka.topicPrefix, name);
let serdes: LineMatcherSerdes;

before(async () => {
  await provision(config);
  const registry = createRegistryClient(config);
  serdes = {
    usage: await AvroSerde.forTopic(registry, t('usage.lines'), 'UsageLine'),
    matched: await AvroSerde.forTopic(registry, t('usage.matched'), 'MatchedUsage'),
    unmatched: await AvroSerde.forTopic(registry, t('usage.unmatched'), 'UnmatchedUsage'),
  };
});
after(() => dropPrefix(config));

const record = (offset: number, key: string, value: Buffer): IncomingMessage => ({
  topic: t('usage.lines'),
  partition: 2,
  offset: String(offset),
  key: Buffer.from(key),
  value,
  headers: {},
  timestamp: '0',
});

/** A line whose one recording has this ISRC and ISWC. */
function lineWith(lineNumber: number, isrc: string, iswc: string | null): UsageLine {
  const line = sampleUsageLine('F1', lineNumber);
  line.resources = line.resources.map((r) => ({ ...r, isrc, iswc }));
  return line;
}

test('a batch becomes its matched, unmatched and dead-lettered records, the line carried whole', async () => {
  const state = new ReferenceState();
  const work = sampleWork('W1');
  state.putWork('W1', work);
  state.putRecording('GBAHT0900445', [
    { workId: 'W1', iswc: null, title: null, source: 'cwr:test', assertedAt: new Date(0) },
  ]);
  const known = lineWith(1, 'GBAHT0900445', null);
  const unknown = lineWith(2, 'ZZZZZ9999999', null);
  unknown.resources = unknown.resources.map((r) => ({
    ...r,
    title: 'NOTHING LIKE IT',
    displayArtists: ['NOBODY'],
  }));
  const asserting = lineWith(3, 'GBAHT0900446', 'T0345246801');
  const batch = [
    record(10, known.lineId, serdes.usage.encode(known)),
    record(11, unknown.lineId, serdes.usage.encode(unknown)),
    record(12, 'F1:4', Buffer.from('not an avro record')),
    record(13, asserting.lineId, serdes.usage.encode(asserting)),
  ];

  const out = await new LineMatcher(state, serdes, config.matcher).matchBatch(batch);

  // The known ISRC's line matched through its link; the line inside is the line sent.
  const matched = await Promise.all(out.matched.map((m) => serdes.matched.decode(m.value as Buffer)));
  const byLine = new Map(matched.map((m) => [m.lineId, m]));
  assert.equal(byLine.get(known.lineId)?.workId, 'W1');
  assert.equal(byLine.get(known.lineId)?.method, 'ISRC_LINK');
  assert.deepEqual(structuredClone(byLine.get(known.lineId)?.line), known);
  assert.deepEqual(structuredClone(byLine.get(known.lineId)?.writers), work.writers);
  // The ISWC-bearing line matched by its ISWC, and its ISRC → ISWC link is to be recorded.
  assert.equal(byLine.get(asserting.lineId)?.method, 'ISWC');
  assert.deepEqual(
    out.links.get('GBAHT0900446')?.map((l) => l.iswc),
    ['T0345246801'],
  );
  assert.equal(out.matchedLines, 2);

  const [unmatched] = await Promise.all(out.unmatched.map((m) => serdes.unmatched.decode(m.value as Buffer)));
  assert.equal(out.unmatched.length, 1);
  assert.equal(unmatched?.lineId, unknown.lineId);
  assert.deepEqual(structuredClone(unmatched?.line), unknown);
  assert.ok(unmatched!.rulesTried.length >= 3, `rules tried: ${unmatched?.rulesTried.join(', ')}`);

  // The record that is no line goes to the dead letters, with where it came from.
  assert.equal(out.dead.length, 1);
  const dead = parseDeadLetterHeaders(out.dead[0]!.headers!);
  assert.equal(dead.stage, 'match');
  assert.equal(dead.lineId, 'F1:4');
  assert.equal(dead.lineNumber, 4);
  assert.deepEqual(dead.source, { topic: t('usage.lines'), partition: 2, offset: '12' });
  assert.deepEqual(out.dead[0]!.value, Buffer.from('not an avro record'));
});
