import { Redis } from 'ioredis';
import { ConfigError, type Config } from '../core/config/index.ts';
import { parseCsvMapping, type CsvMapping } from './csv/index.ts';
import { KafkaClient, type Producer } from '../core/kafka/index.ts';
import type { Logger } from '../core/log/index.ts';
import { AvroSerde, createRegistryClient } from '../core/registry/index.ts';
import { topicName } from '../core/topics/index.ts';
import { FileEvents } from './files/file-events.ts';
import { FileStore } from './files/file-store.ts';
import { LocalLandingStore, type LandingStore } from './landing/landing-store.ts';
import { SplitQueue } from './split/queue.ts';

/** The connections and stores the ingest components share, built once per process. */
export class IngestRuntime {
  private constructor(
    readonly config: Config,
    readonly logger: Logger,
    readonly kafka: KafkaClient,
    readonly redis: Redis,
    readonly landing: LandingStore,
    readonly files: FileStore,
    readonly fileEvents: FileEvents,
    readonly usageSerde: AvroSerde<'UsageLine'>,
    readonly queue: SplitQueue,
    /** the senders' CSV column mappings, validated */
    readonly csvMappings: ReadonlyMap<string, CsvMapping>,
    private producerPromise: Promise<Producer> | null = null,
  ) {}

  static async create(config: Config, logger: Logger): Promise<IngestRuntime> {
    const csvMappings = new Map<string, CsvMapping>();
    for (const [sender, mapping] of Object.entries(config.ingest.csvMappings)) {
      try {
        csvMappings.set(sender, parseCsvMapping(mapping));
      } catch (err) {
        throw new ConfigError([`ingest.csvMappings.${sender}: ${(err as Error).message}`]);
      }
    }
    const prefix = config.kafka.topicPrefix;
    const registry = createRegistryClient(config);
    const [usageSerde, fileSerde] = await Promise.all([
      AvroSerde.forTopic(registry, topicName(prefix, 'usage.lines'), 'UsageLine'),
      AvroSerde.forTopic(registry, topicName(prefix, 'usage.files'), 'FileEvent'),
    ]);
    // BullMQ needs maxRetriesPerRequest null on its connections.
    const redis = new Redis(config.redis.url, { maxRetriesPerRequest: null });
    return new IngestRuntime(
      config,
      logger,
      new KafkaClient(config, logger),
      redis,
      new LocalLandingStore(config.ingest.landingDir),
      new FileStore(redis, config.redis.prefix),
      new FileEvents(topicName(prefix, 'usage.files'), fileSerde),
      usageSerde,
      new SplitQueue(redis, config),
      csvMappings,
    );
  }

  topic(name: Parameters<typeof topicName>[1]): string {
    return topicName(this.config.kafka.topicPrefix, name);
  }

  /** The process's idempotent producer for events outside a split transaction. */
  producer(): Promise<Producer> {
    this.producerPromise ??= this.kafka.producer();
    return this.producerPromise;
  }

  async close(): Promise<void> {
    await this.queue.close();
    if (this.producerPromise) await (await this.producerPromise).disconnect();
    this.redis.disconnect();
  }
}
