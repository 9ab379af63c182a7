import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../core/config/index.ts';
import {
  CatchUp,
  KafkaClient,
  type Consumer,
  type IncomingMessage,
  type Producer,
  type TransactionalProducer,
} from '../../core/kafka/index.ts';
import type { Logger } from '../../core/log/index.ts';
import { AvroSerde, createRegistryClient } from '../../core/registry/index.ts';
import { topicName } from '../../core/topics/index.ts';
import { ReferenceState } from '../state/reference-state.ts';
import { LineMatcher } from './line-matcher.ts';
import { Rematcher } from './rematcher.ts';

// One matcher instance: a member of the matcher consumer group on usage.lines, holding all
// reference data in memory. Each batch of lines is matched and written in one Kafka
// transaction together with the group's offsets (consume-transform-produce), so a crash or
// a rebalance never counts a line twice for read_committed readers. KafkaJS cannot fence by
// consumer generation (KIP-447): each instance has its own transactional id, so a zombie
// instance that lost its partitions could still commit one last batch twice.
//
// Links supplied inside usage reports (a resource with both ISRC and ISWC) are written to
// ref.recordings in the same transaction, merged with the ISRC's links as this instance
// holds them: so they are recorded exactly once with the lines that asserted them, and
// every instance (and the re-matcher) learns them from the topic like any other link. Two
// writers of one ISRC at the same moment (another instance, `refdata load`) can overwrite
// such a link; the sender's next line with that ISRC and ISWC writes it again.

/** How far the restore of the reference state is. */
export interface RestoreProgress {
  /** from 0 to 1: the share of the reference topics' offsets read */
  fraction: number;
  works: number;
  recordings: number;
  seconds: number;
}

export interface MatcherSerdes {
  usage: AvroSerde<'UsageLine'>;
  work: AvroSerde<'Work'>;
  recording: AvroSerde<'RecordingLink'>;
  matched: AvroSerde<'MatchedUsage'>;
  unmatched: AvroSerde<'UnmatchedUsage'>;
}

/**
 * Fetch sizes of the line and reference consumers. Each batch of lines is one transaction
 * (~70 ms with the JVM producer whatever its size): with KafkaJS's 1 MB per partition a
 * batch held ~1,900 lines and the commits took a quarter of the time.
 */
const FETCH = { maxBytesPerPartition: 8 * 1024 * 1024, maxBytes: 32 * 1024 * 1024 };

/** Joining the reference consumer's group takes a few seconds before the first batch. */
const RESTORE_JOIN_MS = 15000;
/** How often the restore's progress is logged. */
const RESTORE_PROGRESS_MS = 3000;
/** No reference record for this long: what is left before the end offsets is markers. */
const RESTORE_IDLE_MS = 2000;

/** Runs the work handed to it one after the other, in the order it was handed. */
class OneAtATime {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

export class MatcherService {
  readonly state = new ReferenceState();
  private refConsumer: Consumer | null = null;
  private lineConsumer: Consumer | null = null;
  private producer: TransactionalProducer | null = null;
  /** one batch matched at a time, and one transaction at a time (one producer) */
  private readonly matching = new OneAtATime();
  private readonly transactions = new OneAtATime();
  private rematcher: Rematcher | null = null;
  /** resolves with the producer once the state is restored and it is ready: lines may be matched */
  private readonly ready: Promise<TransactionalProducer>;
  private markReady!: (producer: TransactionalProducer) => void;
  private rematcherProducer: Producer | null = null;
  /** lines (not records: a release-level line is several) matched, left unmatched and dead-lettered by this instance */
  readonly processed = { matched: 0, unmatched: 0, deadLettered: 0 };
  private readonly lines: LineMatcher;

  private constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly kafka: KafkaClient,
    private readonly serdes: MatcherSerdes,
  ) {
    this.lines = new LineMatcher(this.state, serdes, config.matcher);
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  private topic(name: Parameters<typeof topicName>[1]) {
    return topicName(this.config.kafka.topicPrefix, name);
  }

  static async start(
    config: Config,
    logger: Logger,
    options: { rematch?: boolean; onRestoreProgress?: (progress: RestoreProgress) => void } = {},
  ): Promise<MatcherService> {
    const registry = createRegistryClient(config);
    const t = (name: Parameters<typeof topicName>[1]) => topicName(config.kafka.topicPrefix, name);
    const serdes: MatcherSerdes = {
      usage: await AvroSerde.forTopic(registry, t('usage.lines'), 'UsageLine'),
      work: await AvroSerde.forTopic(registry, t('ref.works'), 'Work'),
      recording: await AvroSerde.forTopic(registry, t('ref.recordings'), 'RecordingLink'),
      matched: await AvroSerde.forTopic(registry, t('usage.matched'), 'MatchedUsage'),
      unmatched: await AvroSerde.forTopic(registry, t('usage.unmatched'), 'UnmatchedUsage'),
    };
    const service = new MatcherService(
      config,
      logger.child({ component: 'matcher' }),
      new KafkaClient(config, logger),
      serdes,
    );
    // While the state is restored, the producer (a JVM process to start, with the default
    // engine) starts and the line consumer joins its group and fetches its first batches,
    // which wait for the state: all of that takes seconds.
    const producer = service.kafka.transactionalProducer(
      `${config.matcher.groupId}.${randomBytes(6).toString('hex')}`,
    );
    const joined = service.consumeLines();
    producer.catch(() => undefined); // both awaited below, after the restore
    joined.catch(() => undefined);
    try {
      await service.restore(options.onRestoreProgress);
      service.producer = await producer;
      await joined;
    } catch (err) {
      await (await producer.catch(() => null))?.disconnect();
      await service.lineConsumer?.disconnect().catch(() => undefined);
      throw err;
    }
    service.markReady(service.producer);
    if (options.rematch ?? true) await service.startRematcher();
    return service;
  }

  /**
   * Reads the reference topics to their end, then keeps following them. The progress is
   * logged every few seconds and handed to `onProgress`: at the start, meanwhile, at the end.
   */
  private async restore(onProgress?: (progress: RestoreProgress) => void): Promise<void> {
    const started = Date.now();
    // ref.recordings is also written in the matcher's transactions (links from usage
    // reports), and a transaction marker takes an offset but is never delivered: CatchUp also
    // counts the restore as done once nothing has arrived for a while.
    const admin = await this.kafka.admin();
    const catchUp = await CatchUp.of(admin, [this.topic('ref.works'), this.topic('ref.recordings')], {
      idleMs: RESTORE_IDLE_MS,
      joinMs: RESTORE_JOIN_MS,
      unref: true,
    }).finally(() => admin.disconnect());
    // A group of its own per instance: every instance holds all reference data.
    this.refConsumer = this.kafka.consumer({
      groupId: `${this.config.matcher.groupId}.ref.${randomBytes(4).toString('hex')}`,
      ...FETCH,
    });
    await this.refConsumer.subscribe([this.topic('ref.works'), this.topic('ref.recordings')], {
      fromBeginning: true,
    });
    const report = () => {
      const progress: RestoreProgress = {
        fraction: catchUp.fraction(),
        works: this.state.works.size,
        recordings: this.state.recordings.size,
        seconds: (Date.now() - started) / 1000,
      };
      onProgress?.(progress);
      return progress;
    };
    report();
    const reporting = setInterval(() => {
      const { fraction, ...rest } = report();
      this.logger.info({ percent: Math.floor(fraction * 100), ...rest }, 'restoring reference data');
    }, RESTORE_PROGRESS_MS);
    catchUp.start();
    void this.refConsumer.run(async (batch) => {
      catchUp.arrived(batch.topic, batch.partition);
      const last = batch.messages.at(-1);
      try {
        for (const m of batch.messages) await this.applyReference(m);
        // The last offset resolves the batch (KafkaJS parses each resolved offset as a Long).
        if (last) batch.resolveOffset(last.offset);
      } finally {
        catchUp.handled(batch.topic, batch.partition, last?.offset);
      }
    });
    await catchUp.caughtUp;
    clearInterval(reporting);
    const { fraction: _done, ...restored } = report();
    this.logger.info(restored, 'reference data restored');
  }

  private async applyReference(m: IncomingMessage): Promise<void> {
    const key = m.key?.toString() ?? '';
    try {
      if (m.topic === this.topic('ref.works')) {
        const work = m.value ? await this.serdes.work.decode(m.value) : null;
        this.state.putWork(key, work);
        if (work?.iswc) await this.rematcher?.referenceChanged([{ iswc: work.iswc }]);
      } else {
        this.state.putRecording(key, m.value ? (await this.serdes.recording.decode(m.value)).links : null);
        if (m.value) await this.rematcher?.referenceChanged([{ isrc: key }]);
      }
    } catch (err) {
      this.logger.error(
        { topic: m.topic, offset: m.offset, key, err },
        'reference record skipped: cannot decode',
      );
    }
  }

  private async startRematcher(): Promise<void> {
    this.rematcherProducer = await this.kafka.producer();
    this.rematcher = new Rematcher(
      this.config,
      this.logger,
      this.kafka,
      this.rematcherProducer,
      this.state,
      this.serdes,
    );
    await this.rematcher.start();
  }

  /** line ids this instance re-matched on late reference data */
  get rematched(): readonly string[] {
    return this.rematcher?.rematched ?? [];
  }

  /** Joins the line consumer group; batches wait until the state is restored and the producer ready. */
  private async consumeLines(): Promise<void> {
    const groupId = this.config.matcher.groupId;
    this.lineConsumer = this.kafka.consumer({ groupId, ...FETCH });
    await this.lineConsumer.subscribe([this.topic('usage.lines')], { fromBeginning: true });
    void this.lineConsumer.run(
      async (batch) => {
        const last = batch.messages.at(-1);
        if (!last) return;
        // The first batches arrive during the restore: they wait, keeping the membership alive.
        let producer: TransactionalProducer | null;
        while (!(producer = await Promise.race([this.ready, sleep(3000, null)]))) await batch.heartbeat();
        const out = await this.matching.run(() => this.lines.matchBatch(batch.messages));
        await this.transactions.run(() =>
          producer.transaction(async (tx) => {
            if (out.matched.length) await tx.send(this.topic('usage.matched'), out.matched);
            if (out.unmatched.length) await tx.send(this.topic('usage.unmatched'), out.unmatched);
            if (out.dead.length) await tx.send(this.topic('usage.lines.dlq'), out.dead);
            if (out.links.size) {
              await tx.send(
                this.topic('ref.recordings'),
                [...out.links].map(([isrc, links]) => ({
                  key: isrc,
                  value: this.serdes.recording.encode({ isrc, links }),
                })),
              );
            }
            await tx.sendOffsets(groupId, batch.topic, [
              { partition: batch.partition, offset: String(Number(last.offset) + 1) },
            ]);
          }),
        );
        batch.resolveOffset(last.offset);
        // Known before the topic hands them back, so the next batch does not write them again.
        for (const [isrc, links] of out.links) this.state.putRecording(isrc, links);
        this.processed.matched += out.matchedLines;
        this.processed.unmatched += out.unmatched.length;
        this.processed.deadLettered += out.dead.length;
      },
      // Two partitions' batches side by side: one is matched while the other's transaction
      // commits (a batch whose matching interleaved with another's would only finish later).
      { autoCommit: false, partitionsConcurrently: 2 },
    );
  }

  async stop(): Promise<void> {
    await this.rematcher?.stop();
    await this.rematcherProducer?.disconnect();
    await this.lineConsumer?.disconnect();
    await this.refConsumer?.disconnect();
    await this.producer?.disconnect();
  }
}
