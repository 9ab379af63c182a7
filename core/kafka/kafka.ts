// The only module that imports kafkajs (eslint enforces it). KafkaJS is no longer
// maintained, so the rest of tallyline sees only the small interface below; replacing
// the client means rewriting this folder and nothing else. Findings on KafkaJS 2.2.4
// against Apache Kafka 4.1 are in docs/kafka-client.md.
import { readFileSync } from 'node:fs';
import kafkajs from 'kafkajs';
import type {
  Kafka as KjsKafka,
  KafkaConfig,
  Admin as KjsAdmin,
  Producer as KjsProducer,
  Consumer as KjsConsumer,
  Transaction as KjsTransaction,
  SASLOptions,
  LogEntry,
  IHeaders,
  Message as KjsMessage,
} from 'kafkajs';
import type { Config } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import { CatchUp, type CaughtUpBy } from './catch-up.ts';
import { JvmTransactionalProducer } from './jvm-producer.ts';
import type {
  OutgoingMessage,
  IncomingMessage,
  SentRecord,
  TopicDescription,
  TopicSpecInput,
  PartitionOffsets,
  ReadToEndOptions,
  TransactionSender,
  TransactionalProducer,
  Batch,
} from './types.ts';

// kafkajs is CommonJS; Node cannot see all of its named exports from ESM.
const { Kafka, logLevel, Partitioners, ConfigResourceTypes } = kafkajs;

// KafkaJS logs every retriable error response (coordinator loading, leader moved) at
// ERROR level from its Connection, then retries and usually succeeds. Those lines are
// noise; a real failure still reaches the caller as a thrown error.
function logBridge(logger: Logger) {
  const log = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log: entry }: LogEntry) => {
      const { message, ...rest } = entry;
      const fields = { namespace, ...rest };
      const retried =
        (namespace === 'Connection' && message.startsWith('Response ')) ||
        // CONCURRENT_TRANSACTIONS: the previous commit's markers are still being written.
        message.includes('another concurrent operation on the same transaction');
      if (level === logLevel.ERROR && retried) {
        log.debug(fields, message);
      } else if (level === logLevel.ERROR) log.error(fields, message);
      else if (level === logLevel.WARN) log.warn(fields, message);
      else if (level === logLevel.INFO) log.debug(fields, message);
      else log.trace(fields, message);
    };
}

/**
 * KafkaJS puts all of a request's messages for one partition into one record batch and
 * does not split it by size, so a large send fails with MESSAGE_TOO_LARGE once a batch
 * passes the broker's message.max.bytes (1 MiB by default). Sends are therefore cut into
 * chunks of at most this many bytes (a single larger message travels alone).
 */
export const MAX_CHUNK_BYTES = 512 * 1024;

/** Kafka's errors that say the group's coordinator moved or is still loading (codes 14–16). */
const COORDINATOR_MOVED = new Set([
  'GROUP_LOAD_IN_PROGRESS',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR_FOR_GROUP',
]);

/**
 * KafkaJS's admin fetchOffsets fails at once when the group's coordinator moved or is still
 * loading (seen on a freshly started broker), where Kafka's own admin client finds the
 * coordinator again and retries (KAFKA-8341): so retry here, briefly.
 */
export async function retryOnCoordinatorMove<T>(
  call: () => Promise<T>,
  attempts = 6,
  firstDelayMs = 100,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const type = (err as { type?: string }).type ?? '';
      if (attempt >= attempts || !COORDINATOR_MOVED.has(type)) throw err;
      await new Promise((resolve) => setTimeout(resolve, firstDelayMs * 2 ** (attempt - 1)));
    }
  }
}

const bytesOf = (v: string | Buffer | null | undefined) =>
  v === null || v === undefined ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length;

/**
 * A record's size as Kafka counts it against max.request.size and message.max.bytes: key,
 * value and headers with their length prefixes, and the record and batch framing (an upper
 * bound).
 */
export function messageBytes(m: OutgoingMessage): number {
  let n = 64 + 21 + bytesOf(m.key) + bytesOf(m.value);
  for (const [k, v] of Object.entries(m.headers ?? {})) n += bytesOf(k) + bytesOf(v) + 10;
  return n;
}

export function chunkBySize(messages: OutgoingMessage[], maxBytes = MAX_CHUNK_BYTES): OutgoingMessage[][] {
  const chunks: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = messageBytes(m);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function toKjsMessage(m: OutgoingMessage): KjsMessage {
  return {
    key: m.key,
    value: m.value,
    ...(m.headers ? { headers: m.headers as IHeaders } : {}),
    ...(m.partition !== undefined ? { partition: m.partition } : {}),
  };
}

export function kafkaClientConfig(config: Config, logger: Logger): KafkaConfig {
  const k = config.kafka;
  return {
    clientId: k.clientId,
    brokers: k.brokers,
    ssl: k.ssl ? (k.sslCaFile ? { ca: [readFileSync(k.sslCaFile, 'utf8')] } : true) : false,
    ...(k.sasl ? { sasl: k.sasl as SASLOptions } : {}),
    connectionTimeout: 3000,
    requestTimeout: 30000,
    logLevel: logLevel.INFO,
    logCreator: logBridge(logger),
  };
}

export class KafkaClient {
  private readonly kafka: KjsKafka;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    overrides: Partial<KafkaConfig> = {},
  ) {
    this.kafka = new Kafka({ ...kafkaClientConfig(config, logger), ...overrides });
  }

  /** An idempotent producer; with a transactionalId, a transactional one. */
  async producer(options: { transactionalId?: string } = {}): Promise<Producer> {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      ...(options.transactionalId ? { transactionalId: options.transactionalId } : {}),
    });
    await producer.connect();
    return new Producer(producer);
  }

  /**
   * A producer for transactions only, written by the configured engine
   * (`kafka.producerEngine`): Kafka's Java client in a child process, or KafkaJS.
   */
  async transactionalProducer(transactionalId: string): Promise<TransactionalProducer> {
    if (this.config.kafka.producerEngine === 'jvm') {
      return JvmTransactionalProducer.start(this.config, this.logger, transactionalId);
    }
    return this.producer({ transactionalId });
  }

  /**
   * A consumer of committed records. The fetch sizes default to KafkaJS's (1 MB per
   * partition, 10 MB per fetch); a consumer whose batches each cost a transaction (the
   * matcher) asks for more, so it pays that cost for more records.
   */
  consumer(options: {
    groupId: string;
    sessionTimeoutMs?: number;
    maxBytesPerPartition?: number;
    maxBytes?: number;
  }): Consumer {
    return new Consumer(
      this.kafka.consumer({
        groupId: options.groupId,
        sessionTimeout: options.sessionTimeoutMs ?? 30000,
        readUncommitted: false,
        ...(options.maxBytesPerPartition ? { maxBytesPerPartition: options.maxBytesPerPartition } : {}),
        ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}),
      }),
    );
  }

  async admin(): Promise<Admin> {
    const admin = this.kafka.admin();
    await admin.connect();
    return new Admin(admin);
  }

  /**
   * Every committed record of a topic, from the beginning to its end as of the call, in one
   * array: for tools that need a whole (small) topic at once, and tests. Anything larger is
   * read with `readToEnd`, which this wraps.
   */
  async readAll(topic: string, options: ReadToEndOptions = {}): Promise<IncomingMessage[]> {
    const received: IncomingMessage[] = [];
    await this.readToEnd(
      topic,
      (messages) => {
        for (const m of messages) received.push(m);
      },
      options,
    );
    return received;
  }

  /**
   * Reads every committed record of a topic, from the beginning to its end as of the call, and
   * hands each fetched batch to `onBatch` (awaited before the next one is fetched), keeping
   * nothing: a topic of any size is read in the memory of a few batches. Reads with a
   * throwaway group, deleted afterwards. The end offsets are taken at the start; aborted
   * records and transaction markers are never delivered, so the read also ends once nothing
   * has arrived for `idleMs` (see `CatchUp`). Records written after the start may be handed
   * over too, until every partition is at its end. Fails if the end is not reached within
   * `timeoutMs` of waiting on Kafka (time spent in `onBatch` does not count), or with the error
   * `onBatch` throws; no batch is handed over after the read has ended. One function: the
   * consumer, its timers and the end conditions share state a split would only pass around.
   */
  async readToEnd(
    topic: string,
    onBatch: (messages: IncomingMessage[]) => Promise<void> | void,
    options: ReadToEndOptions = {},
  ): Promise<{ records: number; caughtUpBy: CaughtUpBy }> {
    const idleMs = options.idleMs ?? 1500;
    const timeoutMs = options.timeoutMs ?? 120000;
    const admin = await this.admin();
    let consumer: Consumer | null = null;
    // settles once the consumer has joined its group and runs (or failed to)
    let running: Promise<void> = Promise.resolve();
    const groupId = `tallyline-reader-${Math.random().toString(36).slice(2)}`;
    let records = 0;
    try {
      if (!(await admin.listTopics()).includes(topic)) {
        throw new Error(`topic ${topic} does not exist: run \`tallyline topics apply\``);
      }
      // Joining the group takes a few seconds before the first batch.
      const catchUp = await CatchUp.of(admin, [topic], { idleMs, joinMs: 15000 });
      if (catchUp.empty) return { records, caughtUpBy: 'empty' };
      const c = (consumer = this.consumer({ groupId }));
      await c.subscribe([topic], { fromBeginning: true });
      let ended = false;
      const caughtUpBy = await new Promise<CaughtUpBy>((resolve, reject) => {
        const started = Date.now();
        let inBatchMs = 0;
        let batchStarted = 0;
        let deadline: NodeJS.Timeout | null = null;
        const end = (error: unknown, by?: CaughtUpBy) => {
          if (ended) return;
          ended = true;
          if (deadline) clearTimeout(deadline);
          catchUp.stop();
          if (by) resolve(by);
          else reject(error);
        };
        const checkDeadline = () => {
          const waited = Date.now() - started - inBatchMs - (batchStarted ? Date.now() - batchStarted : 0);
          if (waited < timeoutMs) {
            deadline = setTimeout(checkDeadline, timeoutMs - waited);
            return;
          }
          const behind = catchUp
            .remaining()
            .map((r) => `partition ${r.partition} at ${r.next} of ${r.end}`)
            .join(', ');
          end(new Error(`reading ${topic}: not at its end after ${timeoutMs} ms (${behind})`));
        };
        deadline = setTimeout(checkDeadline, timeoutMs);
        void catchUp.caughtUp.then((by) => end(null, by));
        catchUp.start();
        running = c
          .run(
            async (batch) => {
              if (ended) return;
              catchUp.arrived(batch.topic, batch.partition);
              batchStarted = Date.now();
              try {
                if (batch.messages.length > 0) await onBatch(batch.messages);
              } catch (err) {
                end(err);
                return;
              } finally {
                inBatchMs += Date.now() - batchStarted;
                batchStarted = 0;
              }
              records += batch.messages.length;
              const last = batch.messages.at(-1);
              // The last offset resolves the batch (KafkaJS parses each resolved offset as a Long).
              if (last) batch.resolveOffset(last.offset);
              catchUp.handled(batch.topic, batch.partition, last?.offset);
            },
            { autoCommit: false },
          )
          .catch(end);
      });
      return { records, caughtUpBy };
    } finally {
      if (consumer) {
        // A consumer disconnected while it is still joining its group crashes and restarts
        // itself for ever (KafkaJS): so let a join in progress (a read that timed out) finish.
        await Promise.race([running, new Promise((r) => setTimeout(r, 30000).unref())]);
        await Promise.race([consumer.disconnect(), new Promise((r) => setTimeout(r, 10000).unref())]);
        await admin.deleteGroups([groupId]).catch(() => undefined);
      }
      await admin.disconnect();
    }
  }
}

export class Producer implements TransactionalProducer {
  constructor(private readonly producer: KjsProducer) {}

  async send(topic: string, messages: OutgoingMessage[]): Promise<SentRecord[]> {
    const sent: SentRecord[] = [];
    for (const chunk of chunkBySize(messages)) {
      const result = await this.producer.send({ topic, messages: chunk.map(toKjsMessage), acks: -1 });
      sent.push(
        ...result.map((r) => ({ topic: r.topicName, partition: r.partition, baseOffset: r.baseOffset })),
      );
    }
    return sent;
  }

  /** Runs `work` in a Kafka transaction: committed if it resolves, aborted if it throws. */
  async transaction<T>(work: (tx: TransactionSender) => Promise<T>): Promise<T> {
    const tx: KjsTransaction = await this.producer.transaction();
    try {
      const result = await work({
        send: async (topic, messages) => {
          for (const chunk of chunkBySize(messages)) {
            await tx.send({ topic, messages: chunk.map(toKjsMessage), acks: -1 });
          }
        },
        sendOffsets: async (groupId, topic, offsets) => {
          await tx.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: offsets }] });
        },
      });
      await tx.commit();
      return result;
    } catch (err) {
      await tx.abort().catch(() => undefined);
      throw err;
    }
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}

export class Consumer {
  constructor(private readonly consumer: KjsConsumer) {}

  async subscribe(topics: string[], options: { fromBeginning?: boolean } = {}): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: options.fromBeginning ?? true });
  }

  /**
   * Calls `handle` per batch; offsets of resolved messages are committed after it returns,
   * unless `autoCommit` is false (a transactional handler commits them with sendOffsets).
   * With `partitionsConcurrently` above 1, batches of that many partitions are handled at the
   * same time (one partition's batches stay in order).
   */
  async run(
    handle: (batch: Batch) => Promise<void>,
    options: {
      autoCommit?: boolean;
      partitionsConcurrently?: number;
      /**
       * where to start, whatever the group committed: for a consumer that keeps its offsets
       * elsewhere (the ledger, in PostgreSQL). Applied as the consumer starts; records before
       * these offsets may still be handed over once, so the handler skips what it has.
       */
      seekTo?: { topic: string; partition: number; offset: string }[];
      /**
       * told of a fetch that held only transaction markers or aborted records (never handed to
       * `handle`): how far the partition was read, for a consumer that keeps its offsets itself
       */
      onSkipped?: (topic: string, partition: number, lastOffset: string) => Promise<void>;
    } = {},
  ): Promise<void> {
    const onSkipped = options.onSkipped;
    if (onSkipped) {
      this.consumer.on(this.consumer.events.END_BATCH_PROCESS, async ({ payload }) => {
        if (payload.batchSize === 0) await onSkipped(payload.topic, payload.partition, payload.lastOffset);
      });
    }
    const running = this.consumer.run({
      autoCommit: options.autoCommit ?? true,
      partitionsConsumedConcurrently: options.partitionsConcurrently ?? 1,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, resolveOffset, isRunning }) => {
        await handle({
          topic: batch.topic,
          partition: batch.partition,
          messages: batch.messages.map((m) => ({
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            key: m.key,
            value: m.value,
            headers: (m.headers ?? {}) as Record<string, Buffer | undefined>,
            timestamp: m.timestamp,
          })),
          lastOffset: batch.lastOffset(),
          heartbeat,
          resolveOffset,
          isRunning,
        });
      },
    });
    // KafkaJS takes seeks once run() has set its group up, which it does before it first awaits.
    for (const s of options.seekTo ?? []) this.consumer.seek(s);
    await running;
  }

  async disconnect(): Promise<void> {
    await this.consumer.disconnect();
  }
}

export class Admin {
  constructor(private readonly admin: KjsAdmin) {}

  async describeCluster(): Promise<{ clusterId: string; brokers: string[]; controller: number | null }> {
    const c = await this.admin.describeCluster();
    return {
      clusterId: c.clusterId,
      brokers: c.brokers.map((b) => `${b.host}:${b.port}`),
      controller: c.controller,
    };
  }

  async listTopics(): Promise<string[]> {
    return this.admin.listTopics();
  }

  async createTopics(specs: TopicSpecInput[]): Promise<void> {
    if (specs.length === 0) return;
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: specs.map((s) => ({
        topic: s.name,
        numPartitions: s.partitions,
        replicationFactor: s.replicationFactor,
        configEntries: Object.entries(s.configs).map(([name, value]) => ({ name, value })),
      })),
    });
  }

  async describeTopics(names: string[]): Promise<TopicDescription[]> {
    if (names.length === 0) return [];
    const [metadata, configs] = await Promise.all([
      this.admin.fetchTopicMetadata({ topics: names }),
      this.admin.describeConfigs({
        includeSynonyms: false,
        resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
      }),
    ]);
    return metadata.topics.map((t) => {
      const resource = configs.resources.find((r) => r.resourceName === t.name);
      const entries = resource?.configEntries ?? [];
      return {
        name: t.name,
        partitions: t.partitions.length,
        replicationFactor: t.partitions[0]?.replicas.length ?? 0,
        configs: Object.fromEntries(entries.map((e) => [e.configName, e.configValue])),
      };
    });
  }

  async deleteTopics(names: string[]): Promise<void> {
    if (names.length > 0) await this.admin.deleteTopics({ topics: names });
  }

  async topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return offsets.map((o) => ({ partition: o.partition, low: o.low, high: o.high }));
  }

  /** The committed offsets of a consumer group on one topic (-1 where none). */
  async groupOffsets(groupId: string, topic: string): Promise<{ partition: number; offset: string }[]> {
    const [result] = await retryOnCoordinatorMove(() =>
      this.admin.fetchOffsets({ groupId, topics: [topic] }),
    );
    return (result?.partitions ?? []).map((p) => ({ partition: p.partition, offset: p.offset }));
  }

  async deleteGroups(groupIds: string[]): Promise<void> {
    if (groupIds.length > 0) await this.admin.deleteGroups(groupIds);
  }

  async disconnect(): Promise<void> {
    await this.admin.disconnect();
  }
}
