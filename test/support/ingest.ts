import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker } from 'bullmq';
import { loadConfig, type Config } from '../../core/config/index.ts';
import { KafkaClient } from '../../core/kafka/index.ts';
import { checkSchemas, createRegistryClient } from '../../core/registry/index.ts';
import { applyTopics } from '../../core/topics/index.ts';
import { deleteKeys } from '../../core/stack/index.ts';
import { type FileRecord, IngestRuntime } from '../../ingest/index.ts';
import { splitWorker } from '../../app/split-worker.ts';
import { dropPrefix, logger } from './harness.ts';

/** Environment for an isolated ingest: its own topics, Redis keys, ledger schema, landing folder and outbox. */
export function ingestEnv(label: string, extra: Record<string, string> = {}): Record<string, string> {
  const id = `${label}.${Math.random().toString(16).slice(2, 8)}`;
  return {
    TALLYLINE_KAFKA_TOPIC_PREFIX: `test.${id}.`,
    TALLYLINE_REDIS_PREFIX: `tallyline-test-${id}`,
    TALLYLINE_DATABASE_SCHEMA: `test_${id.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`,
    TALLYLINE_LANDING_DIR: mkdtempSync(path.join(tmpdir(), 'tallyline-landing-')),
    TALLYLINE_DROP_DIR: mkdtempSync(path.join(tmpdir(), 'tallyline-drop-')),
    // The export writes into an outbox of its own, never the checkout's .tallyline/outbox.
    TALLYLINE_EXPORT_OUTBOX: mkdtempSync(path.join(tmpdir(), 'tallyline-outbox-')),
    ...extra,
  };
}

export function configFrom(env: Record<string, string>): Config {
  return loadConfig({ env: { ...process.env, ...env } });
}

/** Topics and schemas for the config's prefix. */
export async function provision(config: Config): Promise<void> {
  const admin = await new KafkaClient(config, logger).admin();
  try {
    await applyTopics(admin, { prefix: config.kafka.topicPrefix, replicationFactor: 1 });
  } finally {
    await admin.disconnect();
  }
  await checkSchemas(createRegistryClient(config), { prefix: config.kafka.topicPrefix });
}

export class IngestHarness {
  private constructor(
    readonly config: Config,
    readonly rt: IngestRuntime,
    private worker: Worker | null,
  ) {}

  static async start(config: Config, options: { worker?: boolean } = {}): Promise<IngestHarness> {
    await provision(config);
    const rt = await IngestRuntime.create(config, logger);
    return new IngestHarness(config, rt, options.worker === false ? null : splitWorker(rt));
  }

  async waitForFile(fileId: string, timeoutMs = 60000): Promise<FileRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const file = await this.rt.files.get(fileId);
      if (file && (file.state === 'split' || file.state === 'rejected' || file.state === 'failed'))
        return file;
      if (Date.now() > deadline) throw new Error(`file ${fileId} still ${file?.state} after ${timeoutMs} ms`);
      await sleep(200);
    }
  }

  /** Closes the worker and the runtime; the topics, keys and ledger stay (a restart follows). */
  async close(): Promise<void> {
    await this.worker?.close();
    await this.rt.close();
  }

  async stop(): Promise<void> {
    await this.close();
    await deleteKeys(this.config.redis.url, `${this.config.redis.prefix}:*`);
    await dropPrefix(this.config);
  }
}
