import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../core/config/index.ts';
import { dropSchema } from '../../core/db/index.ts';
import { KafkaClient } from '../../core/kafka/index.ts';
import { createLogger } from '../../core/log/index.ts';
import { createRegistryClient, isNotFound } from '../../core/registry/index.ts';

// Integration tests run against the real local stack (`npm test` brings it up). Each test
// file works under its own topic prefix, so files never see each other's topics or subjects.

export const logger = createLogger(process.env.TALLYLINE_TEST_LOG ?? 'warn');

export function testConfig(label: string): Config {
  const nonce = randomBytes(3).toString('hex');
  const prefix = `test.${label}.${nonce}.`;
  return loadConfig({
    overrides: {
      'kafka.topicPrefix': prefix,
      'redis.prefix': `tallyline-test-${prefix}`,
      // and its own ledger: a schema in the stack's database
      'database.schema': `test_${label.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${nonce}`,
    },
  });
}

/** Deletes the topics and registry subjects under the config's prefix, and its ledger schema. */
export async function dropPrefix(config: Config): Promise<void> {
  const prefix = config.kafka.topicPrefix;
  if (!prefix.startsWith('test.')) throw new Error(`refusing to drop a non-test prefix ${prefix}`);
  if (config.database.schema.startsWith('test_')) await dropSchema(config.database);
  const admin = await new KafkaClient(config, logger).admin();
  try {
    await admin.deleteTopics((await admin.listTopics()).filter((t) => t.startsWith(prefix)));
  } finally {
    await admin.disconnect();
  }
  const registry = createRegistryClient(config);
  for (const subject of (await registry.getAllSubjects()).filter((s) => s.startsWith(prefix))) {
    await registry
      .deleteSubject(subject, false)
      .catch((e: unknown) => (isNotFound(e) ? [] : Promise.reject(e)));
    await registry
      .deleteSubject(subject, true)
      .catch((e: unknown) => (isNotFound(e) ? [] : Promise.reject(e)));
  }
}
