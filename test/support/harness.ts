import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../core/config/index.ts';
import { KafkaClient } from '../../core/kafka/index.ts';
import { createLogger } from '../../core/log/index.ts';
import { createRegistryClient, isNotFound } from '../../core/registry/index.ts';

// Integration tests run against the real local stack (`npm test` brings it up). Each test
// file works under its own topic prefix, so files never see each other's topics or subjects.

export const logger = createLogger(process.env.TALLYLINE_TEST_LOG ?? 'warn');

export function testConfig(label: string): Config {
  const prefix = `test.${label}.${randomBytes(3).toString('hex')}.`;
  return loadConfig({
    overrides: { 'kafka.topicPrefix': prefix, 'redis.prefix': `tallyline-test-${prefix}` },
  });
}

/** Deletes the topics and registry subjects under the config's prefix. */
export async function dropPrefix(config: Config): Promise<void> {
  const prefix = config.kafka.topicPrefix;
  if (!prefix.startsWith('test.')) throw new Error(`refusing to drop a non-test prefix ${prefix}`);
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
