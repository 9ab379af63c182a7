import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Config } from '../../core/config/index.ts';
import { JvmTransactionalProducer, KafkaBridgeError, KafkaClient } from '../../core/kafka/index.ts';
import { dropPrefix, logger, testConfig } from '../support/harness.ts';

// The JVM producer bridge against the real broker: what is committed is read back exactly
// once, what is aborted never shows, offsets travel with the transaction, and a fenced or
// vanished bridge says so instead of hanging.

let config: Config;
let kafka: KafkaClient;
const topic = () => `${config.kafka.topicPrefix}bridge`;
const checkpoints = () => `${config.kafka.topicPrefix}bridge.checkpoints`;

before(async () => {
  config = testConfig('bridge');
  kafka = new KafkaClient(config, logger);
  const admin = await kafka.admin();
  await admin.createTopics([
    { name: topic(), partitions: 3, replicationFactor: 1, configs: {} },
    { name: checkpoints(), partitions: 1, replicationFactor: 1, configs: {} },
  ]);
  await admin.disconnect();
});

after(async () => {
  await dropPrefix(config);
});

const messages = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    key: `line:${from + i}`,
    value: Buffer.from(`value ${from + i} ${'x'.repeat(300)}`),
    headers: { 'tallyline.test': `h${from + i}`, empty: Buffer.alloc(0) },
  }));

test('committed transactions are read back once, with keys, values and headers; aborted ones never', async () => {
  const group = `${config.kafka.topicPrefix}bridge-group`;
  const producer = await JvmTransactionalProducer.start(config, logger, `${config.kafka.topicPrefix}tx-1`);
  try {
    await producer.transaction(async (tx) => {
      await tx.send(topic(), messages(0, 20_000));
      await tx.sendOffsets(group, checkpoints(), [{ partition: 0, offset: '20000' }]);
    });
    await assert.rejects(
      producer.transaction(async (tx) => {
        await tx.send(topic(), messages(20_000, 500));
        throw new Error('the work failed half-way');
      }),
      /half-way/,
    );
    await producer.transaction(async (tx) => {
      await tx.send(topic(), [{ key: null, value: null, partition: 2 }]);
      await tx.send(topic(), messages(30_000, 10));
    });
  } finally {
    await producer.disconnect();
  }

  const read = await kafka.readAll(topic());
  assert.equal(read.length, 20_000 + 1 + 10);
  const keys = new Set(read.map((m) => m.key?.toString() ?? 'null'));
  assert.equal(keys.size, read.length, 'no record twice');
  assert.ok(!read.some((m) => /^line:20\d{3}$/.test(m.key?.toString() ?? '')), 'nothing of the aborted one');
  const sample = read.find((m) => m.key?.toString() === 'line:12345')!;
  assert.equal(sample.value?.toString(), `value 12345 ${'x'.repeat(300)}`);
  assert.equal(sample.headers['tallyline.test']?.toString(), 'h12345');
  assert.equal(sample.headers.empty?.length, 0);
  const tombstone = read.find((m) => m.key === null)!;
  assert.equal(tombstone.value, null);
  assert.equal(tombstone.partition, 2);

  const admin = await kafka.admin();
  try {
    assert.deepEqual(await admin.groupOffsets(group, checkpoints()), [{ partition: 0, offset: '20000' }]);
  } finally {
    await admin.disconnect();
  }
});

test('a record without a partition goes where KafkaJS would put the same key (murmur2)', async () => {
  const t2 = `${config.kafka.topicPrefix}bridge.keys`;
  const admin = await kafka.admin();
  await admin.createTopics([{ name: t2, partitions: 6, replicationFactor: 1, configs: {} }]);
  await admin.disconnect();
  const producer = await JvmTransactionalProducer.start(config, logger, `${config.kafka.topicPrefix}tx-2`);
  const kjs = await kafka.producer();
  try {
    await producer.transaction((tx) => tx.send(t2, messages(0, 300)));
    await kjs.send(t2, messages(0, 300));
  } finally {
    await producer.disconnect();
    await kjs.disconnect();
  }
  const partitions = new Map<string, Set<number>>();
  for (const m of await kafka.readAll(t2)) {
    const key = m.key!.toString();
    partitions.set(key, (partitions.get(key) ?? new Set()).add(m.partition));
  }
  assert.equal(partitions.size, 300);
  for (const [key, seen] of partitions) assert.equal(seen.size, 1, `${key} in partitions ${[...seen]}`);
  const used = new Set([...partitions.values()].map((s) => [...s][0]));
  assert.equal(used.size, 6, 'keys spread over every partition');
});

test('a second producer with the same transactional id fences the first, which says so', async () => {
  const id = `${config.kafka.topicPrefix}tx-fenced`;
  const first = await JvmTransactionalProducer.start(config, logger, id);
  const second = await JvmTransactionalProducer.start(config, logger, id);
  try {
    await second.transaction((tx) => tx.send(topic(), messages(40_000, 1)));
    const fenced = (err: unknown) =>
      err instanceof KafkaBridgeError && err.fenced && /another producer has taken over/.test(err.message);
    await assert.rejects(
      first.transaction((tx) => tx.send(topic(), messages(50_000, 1))),
      fenced,
    );
    // It stays fenced: no new bridge takes the id back from the second producer.
    await assert.rejects(
      first.transaction((tx) => tx.send(topic(), messages(50_001, 1))),
      fenced,
    );
    await second.transaction((tx) => tx.send(topic(), messages(50_002, 1)));
  } finally {
    await first.disconnect();
    await second.disconnect();
  }
});

test('a bridge process that dies fails the transaction in progress with the reason; the next one starts a new bridge', async () => {
  const producer = await JvmTransactionalProducer.start(config, logger, `${config.kafka.topicPrefix}tx-dies`);
  const first = producer.process;
  await assert.rejects(
    producer.transaction(async (tx) => {
      await tx.send(topic(), messages(60_000, 10));
      first.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 500));
    }),
    (err: unknown) => err instanceof KafkaBridgeError && err.fatal && /exited \(SIGKILL\)/.test(err.message),
  );
  await producer.transaction((tx) => tx.send(topic(), messages(61_000, 3)));
  assert.notEqual(producer.process.pid, first.pid, 'a new bridge process');
  await producer.disconnect();
  const keys = new Set((await kafka.readAll(topic())).map((m) => m.key?.toString()));
  assert.ok(!keys.has('line:60000'), 'nothing of the transaction in progress');
  assert.ok(keys.has('line:61000') && keys.has('line:61002'), 'the next transaction is committed');
});

test('records still in flight when a transaction is aborted do not fail the next one', async () => {
  const producer = await JvmTransactionalProducer.start(
    config,
    logger,
    `${config.kafka.topicPrefix}tx-inflight`,
  );
  try {
    for (let round = 0; round < 3; round++) {
      await assert.rejects(
        producer.transaction(async (tx) => {
          await tx.send(topic(), messages(70_000 + round * 10_000, 10_000));
          throw new Error('given up with records in flight');
        }),
        /in flight/,
      );
      await producer.transaction((tx) => tx.send(topic(), messages(100_000 + round, 1)));
    }
  } finally {
    await producer.disconnect();
  }
  const keys = new Set((await kafka.readAll(topic())).map((m) => m.key?.toString()));
  assert.ok(['line:100000', 'line:100001', 'line:100002'].every((k) => keys.has(k)));
  assert.ok(!keys.has('line:70000') && !keys.has('line:95000'));
});

test('a bridge that cannot start says why and leaves no process behind', async () => {
  const children = () =>
    readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
  const before = children();
  const broken = { ...config, kafka: { ...config.kafka, brokers: ['not a host name'] } };
  await assert.rejects(
    JvmTransactionalProducer.start(broken, logger, `${config.kafka.topicPrefix}tx-broken`),
    (err: unknown) => err instanceof KafkaBridgeError && /bootstrap/i.test(err.message),
  );
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(children(), before);
});

test('overlapping transactions commit in the order begun, and one whose predecessor failed is aborted', async () => {
  const t3 = `${config.kafka.topicPrefix}bridge.overlap`;
  const group = `${config.kafka.topicPrefix}overlap-group`;
  const admin = await kafka.admin();
  await admin.createTopics([{ name: t3, partitions: 1, replicationFactor: 1, configs: {} }]);
  await admin.disconnect();
  const producer = await JvmTransactionalProducer.start(
    config,
    logger,
    `${config.kafka.topicPrefix}tx-overlap`,
  );
  const settled: string[] = [];
  const track = <T>(name: string, p: Promise<T>) =>
    p.then(
      (v) => (settled.push(`${name} ok`), v),
      (err: unknown) => {
        settled.push(`${name} failed`);
        throw err;
      },
    );
  try {
    // The first is still sending when the second begins.
    const first = track(
      'first',
      producer.transaction(async (tx) => {
        await tx.send(t3, messages(0, 5_000));
        await new Promise((r) => setTimeout(r, 300));
        await tx.send(t3, messages(5_000, 5_000));
        await tx.sendOffsets(group, checkpoints(), [{ partition: 0, offset: '10000' }]);
      }),
    );
    const second = track(
      'second',
      producer.transaction(async (tx) => {
        await tx.send(t3, messages(10_000, 5_000));
        await tx.sendOffsets(group, checkpoints(), [{ partition: 0, offset: '15000' }]);
      }),
    );
    await Promise.all([first, second]);
    assert.deepEqual(settled, ['first ok', 'second ok']);

    const failing = producer.transaction(async (tx) => {
      await tx.send(t3, messages(20_000, 1_000));
      await new Promise((r) => setTimeout(r, 200));
      throw new Error('the work failed');
    });
    const behind = producer.transaction(async (tx) => {
      await tx.send(t3, messages(30_000, 1_000));
      await tx.sendOffsets(group, checkpoints(), [{ partition: 0, offset: '31000' }]);
    });
    await assert.rejects(failing, /the work failed/);
    await assert.rejects(
      behind,
      (err: unknown) =>
        err instanceof KafkaBridgeError &&
        !err.fatal &&
        /the transaction before this one failed/.test(err.message),
    );
    // The producer goes on.
    await producer.transaction((tx) => tx.send(t3, messages(40_000, 1)));
  } finally {
    await producer.disconnect();
  }

  const read = await kafka.readAll(t3);
  const keys = read.map((m) => Number(m.key!.toString().slice('line:'.length)));
  const expected = [...Array.from({ length: 15_000 }, (_, i) => i), 40_000];
  assert.deepEqual(keys, expected, 'in order, each once, nothing of the failed one or the one behind it');
  const offsetsAdmin = await kafka.admin();
  try {
    assert.deepEqual(await offsetsAdmin.groupOffsets(group, checkpoints()), [
      { partition: 0, offset: '15000' },
    ]);
  } finally {
    await offsetsAdmin.disconnect();
  }
});
