import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KafkaClient, type Admin } from '../../core/kafka/index.ts';
import { applyTopics, TOPICS } from '../../core/topics/index.ts';
import { dropPrefix, logger, testConfig } from '../support/harness.ts';

const config = testConfig('topics');
let admin: Admin;

before(async () => {
  admin = await new KafkaClient(config, logger).admin();
});
after(async () => {
  await admin.disconnect();
  await dropPrefix(config);
});

test('topics apply creates the catalog, and a second run finds everything unchanged', async () => {
  const options = { prefix: config.kafka.topicPrefix, replicationFactor: 1 };
  const first = await applyTopics(admin, options);
  assert.deepEqual(
    first.map((r) => [r.topic, r.state]),
    TOPICS.map((t) => [`${config.kafka.topicPrefix}${t.name}`, 'created']),
  );
  const second = await applyTopics(admin, options);
  assert.deepEqual(
    second.map((r) => [r.topic, r.state, r.drift]),
    TOPICS.map((t) => [`${config.kafka.topicPrefix}${t.name}`, 'unchanged', []]),
  );

  const described = await admin.describeTopics(TOPICS.map((t) => `${config.kafka.topicPrefix}${t.name}`));
  for (const spec of TOPICS) {
    const actual = described.find((d) => d.name === `${config.kafka.topicPrefix}${spec.name}`)!;
    assert.equal(actual.partitions, spec.partitions, spec.name);
    assert.equal(actual.configs['cleanup.policy'], spec.configs['cleanup.policy'], spec.name);
  }
});

test('a topic that differs from the catalog is reported as drift, not changed', async () => {
  const name = `${config.kafka.topicPrefix}drifted`;
  await admin.createTopics([
    { name, partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'delete' } },
  ]);
  const reports = await applyTopics(admin, {
    prefix: config.kafka.topicPrefix,
    replicationFactor: 1,
    topics: [
      {
        name: 'drifted',
        partitions: 2,
        configs: { 'cleanup.policy': 'compact' },
        valueSchema: null,
        key: 'k',
        purpose: 'test',
      },
    ],
  });
  assert.deepEqual(reports, [
    {
      topic: name,
      state: 'drift',
      drift: ['partitions: catalog 2, cluster 1', 'cleanup.policy: catalog compact, cluster delete'],
    },
  ]);
  const [after] = await admin.describeTopics([name]);
  assert.equal(after!.partitions, 1, 'drift is reported, not repaired');
});
