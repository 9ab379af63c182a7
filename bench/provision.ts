import { type Config, loadConfig } from '../core/config/index.ts';
import { type Admin, KafkaClient } from '../core/kafka/index.ts';
import type { Logger } from '../core/log/index.ts';
import { checkSchemas, createRegistryClient } from '../core/registry/index.ts';
import { applyTopics } from '../core/topics/index.ts';

/** A bench's own topics and schemas, under the prefix its environment names; `drop` deletes the topics. */
export async function provisionBench(
  env: Record<string, string>,
  logger: Logger,
): Promise<{ config: Config; kafka: KafkaClient; admin: Admin; drop(): Promise<void> }> {
  const config = loadConfig({ env: { ...process.env, ...env } });
  const kafka = new KafkaClient(config, logger);
  const admin = await kafka.admin();
  await applyTopics(admin, { prefix: config.kafka.topicPrefix, replicationFactor: 1 });
  await checkSchemas(createRegistryClient(config), { prefix: config.kafka.topicPrefix });
  return {
    config,
    kafka,
    admin,
    async drop() {
      await admin.deleteTopics(
        (await admin.listTopics()).filter((t) => t.startsWith(config.kafka.topicPrefix)),
      );
      await admin.disconnect();
    },
  };
}
