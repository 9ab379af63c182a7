import { Redis } from 'ioredis';
import { ConfigError, type Config } from '../core/config/index.ts';
import { Database, migrate } from '../core/db/index.ts';
import { parseCsvMapping, type CsvMapping } from './csv/index.ts';
import { KafkaClient, type Producer } from '../core/kafka/index.ts';
import type { Logger } from '../core/log/index.ts';
import { AvroSerde, createRegistryClient } from '../core/registry/index.ts';
import { topicName } from '../core/topics/index.ts';
import { FileEvents } from './files/file-events.ts';
import { FileStore } from './files/file-store.ts';
import { OutboxRelay } from './files/outbox-relay.ts';
import { LocalLandingStore, type LandingStore } from './landing/landing-store.ts';
import { SplitQueue } from './split/queue.ts';

/** The connections and stores the ingest components share, built once per process. */
export class IngestRuntime {
  /** does what intake left to do (publish, enqueue); `start()` it in long-running services */
  readonly relay: OutboxRelay;
  /** what others built on this runtime and close with it (a ledger consumer, say) */
  private readonly closers: (() => Promise<void>)[] = [];

  private constructor(
    readonly config: Config,
    readonly logger: Logger,
    readonly kafka: KafkaClient,
    readonly redis: Redis,
    readonly db: Database,
    readonly landing: LandingStore,
    readonly files: FileStore,
    readonly fileEvents: FileEvents,
    readonly usageSerde: AvroSerde<'UsageLine'>,
    readonly queue: SplitQueue,
    /** the senders' CSV column mappings, validated */
    readonly csvMappings: ReadonlyMap<string, CsvMapping>,
    private producerPromise: Promise<Producer> | null = null,
  ) {
    this.relay = new OutboxRelay(this, db);
  }

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
    // The ledger's schema, brought to this version (a service start migrates it).
    await migrate(config.database, logger);
    const db = Database.of(config);
    // BullMQ needs maxRetriesPerRequest null on its connections; Redis holds only its jobs.
    const redis = new Redis(config.redis.url, { maxRetriesPerRequest: null });
    return new IngestRuntime(
      config,
      logger,
      new KafkaClient(config, logger),
      redis,
      db,
      new LocalLandingStore(config.ingest.landingDir),
      new FileStore(db),
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

  /** Closes `close` with the runtime, before its connections. */
  onClose(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  async close(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) await close();
    await this.relay.stop();
    await this.queue.close();
    if (this.producerPromise) await (await this.producerPromise).disconnect();
    this.redis.disconnect();
    await this.db.close();
  }
}
