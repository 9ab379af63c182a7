import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Config } from '../config/index.ts';
import { dropPrefix, logger, testConfig } from '../../test/support/harness.ts';
import { KafkaClient, type IncomingMessage } from './index.ts';

// KafkaClient.readToEnd against the local stack (its end detection is CatchUp's, unit-tested
// beside it): every committed record once, batch by batch; the read's own errors and the
// caller's are reported, and nothing is handed over once it has ended.

let config: Config;
let kafka: KafkaClient;
const name = (n: string) => `${config.kafka.topicPrefix}${n}`;
const messages = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, value: `v${from + i} ${'x'.repeat(200)}` }));

before(async () => {
  config = testConfig('read-to-end');
  kafka = new KafkaClient(config, logger);
  const admin = await kafka.admin();
  await admin.createTopics(
    ['tx', 'plain', 'empty'].map((n) => ({
      name: name(n),
      partitions: n === 'tx' ? 3 : 1,
      replicationFactor: 1,
      configs: {},
    })),
  );
  await admin.disconnect();
  // 'tx': committed records, an aborted transaction, and a commit marker at every partition's end
  const producer = await kafka.producer({ transactionalId: `${config.kafka.topicPrefix}tx` });
  try {
    await producer.transaction((tx) => tx.send(name('tx'), messages(0, 15_000)));
    await assert.rejects(
      producer.transaction(async (tx) => {
        await tx.send(name('tx'), messages(100_000, 300));
        throw new Error('abort');
      }),
    );
    await producer.transaction((tx) => tx.send(name('tx'), messages(15_000, 3)));
  } finally {
    await producer.disconnect();
  }
  const plain = await kafka.producer();
  await plain.send(name('plain'), messages(0, 5000));
  await plain.disconnect();
});

after(async () => {
  await dropPrefix(config);
});

test('every committed record once, in several batches, never an aborted one; ends though markers are never delivered', async () => {
  const keys: string[] = [];
  let batches = 0;
  const result = await kafka.readToEnd(name('tx'), async (batch) => {
    batches++;
    for (const m of batch) keys.push(m.key!.toString());
    await new Promise((resolve) => setTimeout(resolve, 5)); // a caller that takes its time
  });
  assert.equal(result.records, 15_003);
  assert.equal(result.caughtUpBy, 'idle'); // each partition ends with a commit marker
  assert.equal(keys.length, 15_003);
  assert.equal(new Set(keys).size, 15_003);
  assert.ok(!keys.includes('k100000'), 'an aborted record was handed over');
  assert.ok(batches > 3, `${batches} batches: the topic came in one piece per partition`);
});

test('a topic without transactions ends at its end offsets; readAll returns the same records', async () => {
  const seen: IncomingMessage[] = [];
  const result = await kafka.readToEnd(name('plain'), (batch) => {
    seen.push(...batch);
  });
  assert.deepEqual(result, { records: 5000, caughtUpBy: 'ends' });
  const all = await kafka.readAll(name('plain'));
  assert.deepEqual(
    all.map((m) => [m.offset, m.key!.toString(), m.value!.toString()]),
    seen.map((m) => [m.offset, m.key!.toString(), m.value!.toString()]),
  );
});

test("the caller's error ends the read, and no batch comes after it", async () => {
  let calls = 0;
  await assert.rejects(
    kafka.readToEnd(name('tx'), () => {
      calls++;
      throw new Error('cannot use this batch');
    }),
    /cannot use this batch/,
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(calls, 1);
});

test('an empty topic reads as nothing; a missing one and a timeout say what went wrong', async () => {
  let calls = 0;
  assert.deepEqual(
    await kafka.readToEnd(name('empty'), () => {
      calls++;
    }),
    { records: 0, caughtUpBy: 'empty' },
  );
  assert.equal(calls, 0);
  await assert.rejects(
    kafka.readAll(name('missing')),
    /topic .*missing does not exist: run `tallyline topics apply`/,
  );
  // Joining the group and the first fetch take several round trips to the broker: over 1 ms.
  await assert.rejects(
    kafka.readAll(name('plain'), { timeoutMs: 1 }),
    /reading .*plain: not at its end after 1 ms \(partition 0 at 0 of 5000\)/,
  );
});
