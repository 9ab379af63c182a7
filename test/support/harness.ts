import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../core/config/index.ts';
import { KafkaClient, type IncomingMessage } from '../../core/kafka/index.ts';
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

/** Reads a topic from the beginning until `count` messages arrived (or the timeout). */
export async function readMessages(
  config: Config,
  topic: string,
  count: number,
  timeoutMs = 30000,
  /** after `count` arrived, keep reading this long, to catch any extra (duplicate) records */
  settleMs = 0,
): Promise<IncomingMessage[]> {
  const consumer = new KafkaClient(config, logger).consumer({
    groupId: `test-reader-${randomBytes(4).toString('hex')}`,
  });
  const received: IncomingMessage[] = [];
  try {
    await consumer.subscribe([topic], { fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`read ${received.length} of ${count} messages from ${topic} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run(async (batch) => {
          received.push(...batch.messages);
          for (const m of batch.messages) batch.resolveOffset(m.offset);
          if (received.length >= count) {
            clearTimeout(timer);
            setTimeout(resolve, settleMs);
          }
        })
        .catch(reject);
    });
  } finally {
    // A consumer still joining its group can take long to leave; never hang a test on it.
    await Promise.race([consumer.disconnect(), new Promise((resolve) => setTimeout(resolve, 10000).unref())]);
  }
  return received;
}
