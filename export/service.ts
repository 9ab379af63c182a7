import { randomBytes } from 'node:crypto';
import type { Config } from '../core/config/index.ts';
import { KafkaClient, type Consumer, type Producer } from '../core/kafka/index.ts';
import type { Logger } from '../core/log/index.ts';
import { AvroSerde, createRegistryClient } from '../core/registry/index.ts';
import { topicName } from '../core/topics/index.ts';
import { ExportError } from './errors.ts';
import { monthOf } from './period.ts';
import { exportRun, type ExportRunResult } from './run.ts';
import { readExportInput } from './sources.ts';

/**
 * Whether the continuous export runs now: once usage.matched has been quiet for `quietMs`,
 * or at the latest `maxDelayMs` after the first line still to export, so a steady stream of
 * lines never holds the export back for good.
 */
export function exportDue(
  now: number,
  lastMessageAt: number,
  dirtySince: number,
  limits: { quietMs: number; maxDelayMs: number },
): boolean {
  return now - lastMessageAt >= limits.quietMs || now - dirtySince >= limits.maxDelayMs;
}

/**
 * The continuous export: a member of the export consumer group on usage.matched. It notes
 * the months that new matched lines fall in; once the topic has been quiet for
 * `export.quietMs`, it runs the batch export of those months (reading the topics whole, so
 * the result is the batch result) and only then commits the group's offsets, in a
 * transaction. Killed before the commit, it runs the same months again on restart: the files
 * come out identical and their events are not repeated.
 */
export class ExportService {
  private consumer: Consumer | null = null;
  private producer: Producer | null = null;
  private readonly dirty = new Set<string>();
  private readonly offsets = new Map<number, string>();
  private lastMessageAt = 0;
  /** when the oldest month still to export became so */
  private dirtySince = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** each run's result, for logs and tests */
  readonly runs: ExportRunResult[] = [];

  private constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly kafka: KafkaClient,
  ) {}

  static async start(config: Config, logger: Logger): Promise<ExportService> {
    const service = new ExportService(
      config,
      logger.child({ component: 'export' }),
      new KafkaClient(config, logger),
    );
    await service.consume();
    return service;
  }

  private async consume(): Promise<void> {
    const topic = topicName(this.config.kafka.topicPrefix, 'usage.matched');
    const serde = await AvroSerde.forTopic(createRegistryClient(this.config), topic, 'MatchedUsage');
    const groupId = this.config.export.groupId;
    this.producer = await this.kafka.producer({
      transactionalId: `${groupId}.${randomBytes(6).toString('hex')}`,
    });
    this.consumer = this.kafka.consumer({ groupId });
    await this.consumer.subscribe([topic], { fromBeginning: true });
    void this.consumer.run(
      async (batch) => {
        for (const m of batch.messages) {
          try {
            const v = await serde.decode(m.value ?? Buffer.alloc(0));
            const month = monthOf(v.line.periodStart, v.line.periodEnd);
            if (month) {
              if (this.dirty.size === 0) this.dirtySince = Date.now();
              this.dirty.add(month);
            }
          } catch (err) {
            this.logger.warn(
              { offset: m.offset, partition: m.partition, err },
              'matched record not decodable; the batch run counts it',
            );
          }
          batch.resolveOffset(m.offset);
        }
        const last = batch.messages.at(-1);
        if (last) this.offsets.set(batch.partition, String(Number(last.offset) + 1));
        this.lastMessageAt = Date.now();
      },
      { autoCommit: false },
    );
    this.timer = setInterval(() => {
      if (
        !this.running &&
        this.dirty.size > 0 &&
        exportDue(Date.now(), this.lastMessageAt, this.dirtySince, this.config.export)
      ) {
        this.running = this.exportDirty().finally(() => (this.running = null));
      }
    }, 250);
  }

  private async exportDirty(): Promise<void> {
    const months = [...this.dirty].sort();
    const offsets = [...this.offsets].map(([partition, offset]) => ({ partition, offset }));
    this.dirty.clear();
    try {
      const input = await readExportInput(this.config, this.logger, this.kafka);
      for (const month of months) {
        let result: ExportRunResult;
        try {
          result = await exportRun(this.config, this.logger, month, { input });
        } catch (err) {
          // Its quarter was exported by hand: retrying would not change that.
          if (!(err instanceof ExportError && err.code === 'PERIOD_ALREADY_EXPORTED')) throw err;
          this.logger.error({ period: month, err: err.message }, 'export: month left out');
          continue;
        }
        this.runs.push(result);
        this.logger.info({ period: month, files: result.files.length }, 'export written');
      }
      const topic = topicName(this.config.kafka.topicPrefix, 'usage.matched');
      await this.producer!.transaction(async (tx) =>
        tx.sendOffsets(this.config.export.groupId, topic, offsets),
      );
    } catch (err) {
      if (this.dirty.size === 0) this.dirtySince = Date.now();
      for (const m of months) this.dirty.add(m);
      this.logger.error({ err, months }, 'export run failed; it will be retried');
    }
  }

  /** Waits until nothing is left to export (for the demo and tests). */
  async idle(timeoutMs = 120000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.dirty.size > 0 || this.running || this.runs.length === 0) {
      if (Date.now() > deadline) throw new Error('export: still busy');
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }
}
