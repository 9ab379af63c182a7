import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../core/config/index.ts';
import { KafkaClient } from '../../core/kafka/index.ts';
import { AvroSerde, createRegistryClient } from '../../core/registry/index.ts';
import { topicName } from '../../core/topics/index.ts';
import { logger } from '../support/harness.ts';

// Waiting for the pipeline to be done, by looking at the topics: cheap enough to poll while
// the services recover, so that "time to recover" is measured to the second.

/** Until every file has SPLIT_COMPLETED or REJECTED on usage.files; false at the deadline. */
export async function filesEnded(config: Config, fileIds: string[], deadline: number): Promise<boolean> {
  const kafka = new KafkaClient(config, logger);
  const topic = topicName(config.kafka.topicPrefix, 'usage.files');
  const serde = await AvroSerde.forTopic(createRegistryClient(config), topic, 'FileEvent');
  const ended = new Set<string>();
  for (;;) {
    try {
      for (const m of await kafka.readAll(topic, { idleMs: 300 })) {
        const e = await serde.decode(m.value!);
        if (e.type === 'SPLIT_COMPLETED' || e.type === 'REJECTED') ended.add(e.fileId);
      }
      if (fileIds.every((id) => ended.has(id))) return true;
    } catch {
      // the broker or the registry may still be down: keep polling until the deadline
    }
    if (Date.now() > deadline) return false;
    await sleep(1000);
  }
}

/**
 * Until `group` has committed past every record of `topic` (written in transactions: the
 * last offset is a commit marker, so committed = end - 1 is the end); false at the deadline.
 */
export async function groupCaughtUp(
  config: Config,
  group: string,
  name: 'usage.lines' | 'usage.matched',
  deadline: number,
): Promise<boolean> {
  const topic = topicName(config.kafka.topicPrefix, name);
  for (;;) {
    try {
      const admin = await new KafkaClient(config, logger).admin();
      try {
        const ends = await admin.topicOffsets(topic);
        const done = await admin.groupOffsets(group, topic);
        const behind = ends.some(
          (e) =>
            Number(e.high) > 0 &&
            Number(done.find((d) => d.partition === e.partition)?.offset ?? -1) < Number(e.high) - 1,
        );
        if (!behind) return true;
      } finally {
        await admin.disconnect();
      }
    } catch {
      // as above
    }
    if (Date.now() > deadline) return false;
    await sleep(1000);
  }
}
