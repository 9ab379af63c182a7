import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { Config } from '../core/config/index.ts';
import { Database, migrate } from '../core/db/index.ts';
import { KafkaClient, type Admin, type Consumer, type IncomingMessage } from '../core/kafka/index.ts';
import type { Logger } from '../core/log/index.ts';
import { AvroSerde, createRegistryClient } from '../core/registry/index.ts';
import { topicName, type TopicName } from '../core/topics/index.ts';
import type { Applier } from './apply/applier.ts';
import { AuditApplier } from './apply/audit.ts';
import { DeadLettersApplier } from './apply/dead-letters.ts';
import { DecisionsApplier } from './apply/decisions.ts';
import { ExportFilesApplier } from './apply/export-files.ts';
import { ExportAccountsApplier } from './apply/export-accounts.ts';
import { FileEventsApplier } from './apply/file-events.ts';
import { LedgerError } from './errors.ts';

// The ledger consumer: reads the topics the ledger is derived from and applies each batch in
// one PostgreSQL transaction together with the partition's next offset (consumer_offsets).
// Offsets live in the database, not in Kafka: a batch is applied whole or not at all, and a
// record below the stored offset is skipped, so killing it anywhere leaves exact counts.
// One consumer per schema applies at a time (an advisory lock); a command that reads the
// ledger first catches it up itself, or waits for the running one to.

const CONSUMER = 'ledger';

/** The advisory lock one ledger consumer of a schema holds (a rebuild's --replace checks it). */
export function ledgerLockKey(schema: string): string {
  return `tallyline-ledger:${schema}`;
}

export interface LedgerOptions {
  /** another schema than the configured one (a rebuild's) */
  schema?: string;
  /** a pool of the caller's on the configured schema, to share (closed by its owner) */
  db?: Database;
  /** test hook: called inside each batch's transaction, before it commits */
  beforeCommit?: (topic: string, messages: readonly IncomingMessage[]) => Promise<void>;
}

export class Ledger {
  private readonly appliers = new Map<string, Applier>();
  private lockClient: pg.PoolClient | null = null;
  private consumer: Consumer | null = null;
  /** the last batch's failure, until a batch is applied again */
  private failure: unknown = null;

  private constructor(
    readonly config: Config,
    private readonly logger: Logger,
    readonly db: Database,
    private readonly kafka: KafkaClient,
    appliers: Applier[],
    private readonly options: LedgerOptions,
  ) {
    for (const a of appliers) this.appliers.set(topicName(config.kafka.topicPrefix, a.topic as TopicName), a);
  }

  /** Migrates the schema and opens the ledger on it. */
  static async open(config: Config, logger: Logger, options: LedgerOptions = {}): Promise<Ledger> {
    const schema = options.schema ?? config.database.schema;
    if (!options.db) await migrate({ url: config.database.url, schema }, logger);
    const registry = createRegistryClient(config);
    const t = (name: TopicName) => topicName(config.kafka.topicPrefix, name);
    const appliers: Applier[] = [
      new FileEventsApplier(await AvroSerde.forTopic(registry, t('usage.files'), 'FileEvent')),
      new DeadLettersApplier(),
      DecisionsApplier.matched(await AvroSerde.forTopic(registry, t('usage.matched'), 'MatchedUsage')),
      DecisionsApplier.unmatched(await AvroSerde.forTopic(registry, t('usage.unmatched'), 'UnmatchedUsage')),
      new AuditApplier(),
      new ExportFilesApplier(await AvroSerde.forTopic(registry, t('export.statements'), 'ExportFileWritten')),
      new ExportAccountsApplier(),
    ];
    const db = options.db ?? new Database(config.database.url, schema);
    return new Ledger(config, logger, db, new KafkaClient(config, logger), appliers, options);
  }

  get topics(): string[] {
    return [...this.appliers.keys()];
  }

  /** The Kafka consumer group of this ledger: new with each schema (see ledger_meta). */
  async groupId(): Promise<string> {
    const fresh = `tallyline-ledger-${randomUUID().slice(0, 8)}`;
    const { rows } = await this.db.query<{ value: string }>(
      `INSERT INTO ledger_meta (key, value) VALUES ('group', $1)
       ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key RETURNING value`,
      [`${this.config.kafka.topicPrefix}${fresh}`],
    );
    return rows[0]!.value;
  }

  /** The next offset to apply per `topic:partition`. */
  async offsets(): Promise<Map<string, number>> {
    const { rows } = await this.db.query<{ topic: string; partition: number; next_offset: number }>(
      'SELECT topic, partition, next_offset FROM consumer_offsets WHERE consumer = $1',
      [CONSUMER],
    );
    return new Map(rows.map((r) => [`${r.topic}:${r.partition}`, r.next_offset]));
  }

  /**
   * Applies one partition's batch with its offset, in one transaction; returns records applied.
   * `through`: the last offset the fetch covered (a transaction marker after the messages).
   */
  async applyBatch(
    topic: string,
    partition: number,
    messages: readonly IncomingMessage[],
    through?: string,
  ): Promise<number> {
    const applier = this.appliers.get(topic);
    if (!applier) throw new Error(`the ledger does not read ${topic}`);
    return this.db.tx(async (client) => {
      await client.query(
        `INSERT INTO consumer_offsets (consumer, topic, partition, next_offset) VALUES ($1, $2, $3, 0)
         ON CONFLICT DO NOTHING`,
        [CONSUMER, topic, partition],
      );
      // The row lock makes a second applier wait, then skip what this one applied.
      const { rows } = await client.query<{ next_offset: number }>(
        `SELECT next_offset FROM consumer_offsets WHERE consumer = $1 AND topic = $2 AND partition = $3
         FOR UPDATE`,
        [CONSUMER, topic, partition],
      );
      const next = rows[0]!.next_offset;
      const todo = messages.filter((m) => Number(m.offset) >= next);
      if (!todo.length) return 0;
      await applier.apply(client, todo);
      const after = Math.max(Number(todo.at(-1)!.offset), Number(through ?? -1)) + 1;
      await client.query(
        'UPDATE consumer_offsets SET next_offset = $4 WHERE consumer = $1 AND topic = $2 AND partition = $3',
        [CONSUMER, topic, partition, after],
      );
      await this.options.beforeCommit?.(topic, todo);
      return todo.length;
    });
  }

  /**
   * Starts consuming in the background if no other ledger consumer holds the schema (its
   * advisory lock); false if one does. Runs until `close()`.
   */
  async start(): Promise<boolean> {
    if (this.consumer) return true;
    if (!(await this.lock())) return false;
    try {
      this.consumer = await this.consume();
      return true;
    } catch (err) {
      await this.unlock();
      throw err;
    }
  }

  /** `ledger serve`: consumes until the signal; `onCaughtUp` once it has reached the topics' ends. */
  async serve(signal: AbortSignal, onCaughtUp?: () => void): Promise<void> {
    while (!(await this.start())) {
      this.logger.info({ schema: this.db.schema }, 'another ledger consumer holds this schema: waiting');
      await sleep(5000, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
    }
    void this.catchUp(24 * 3600 * 1000).then(onCaughtUp, () => undefined);
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  /** `serve()` in the background, for a service that runs the ledger beside others; stop closes it. */
  background(onCaughtUp?: () => void): { stop(): Promise<void> } {
    const abort = new AbortController();
    const serving = this.serve(abort.signal, onCaughtUp);
    return {
      stop: async () => {
        abort.abort();
        await serving;
        await this.close();
      },
    };
  }

  /**
   * Brings the ledger up to the topics as they are now, before a command reads it: consumes
   * in this process if no other ledger consumer runs, and waits until every partition's
   * applied offset has reached its end offset as of the call.
   */
  async catchUp(timeoutMs = 120000): Promise<void> {
    const ends = await this.endOffsets();
    const behind = (offsets: Map<string, number>) =>
      ends.filter((e) => e.high > Math.max(e.low, offsets.get(`${e.topic}:${e.partition}`) ?? 0));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = behind(await this.offsets());
      if (!left.length) return;
      // Whoever held the lock may have stopped: take over then.
      if (!this.consumer) await this.start();
      if (this.failure) throw this.failure;
      if (Date.now() > deadline)
        throw new LedgerError(
          'LEDGER_BEHIND',
          `the ledger has not caught up with ${left.map((e) => `${e.topic}[${e.partition}]`).join(', ')} in ${timeoutMs} ms`,
        );
      await sleep(100);
    }
  }

  /** Per topic partition: the next offset applied, the end offset, and the records between. */
  async lag(): Promise<{ topic: string; partition: number; applied: number; end: number; lag: number }[]> {
    const applied = await this.offsets();
    return (await this.endOffsets()).map((e) => {
      const at = Math.max(e.low, applied.get(`${e.topic}:${e.partition}`) ?? 0);
      return {
        topic: e.topic,
        partition: e.partition,
        applied: at,
        end: e.high,
        lag: Math.max(0, e.high - at),
      };
    });
  }

  async close(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    await consumer?.disconnect().catch(() => undefined);
    await this.unlock();
    if (!this.options.db) await this.db.close();
  }

  private async endOffsets(): Promise<{ topic: string; partition: number; low: number; high: number }[]> {
    const admin = await this.kafka.admin();
    try {
      return await topicEnds(admin, this.topics);
    } finally {
      await admin.disconnect();
    }
  }

  /** A consumer of the ledger's group from the applied offsets on, running. */
  private async consume(): Promise<Consumer> {
    const offsets = await this.offsets();
    const ends = await this.endOffsets();
    const consumer = this.kafka.consumer({
      groupId: await this.groupId(),
      sessionTimeoutMs: 10000,
      maxBytesPerPartition: 4 * 1024 * 1024,
    });
    await consumer.subscribe(this.topics, { fromBeginning: true });
    const seekTo = ends.map((e) => ({
      topic: e.topic,
      partition: e.partition,
      offset: String(Math.max(e.low, offsets.get(`${e.topic}:${e.partition}`) ?? 0)),
    }));
    this.failure = null;
    await consumer.run(
      async (batch) => {
        try {
          await this.applyBatch(batch.topic, batch.partition, batch.messages, batch.lastOffset);
        } catch (err) {
          // Retried: KafkaJS reads the batch again (an outage of PostgreSQL, say); a command
          // waiting to catch up is told.
          this.logger.warn({ err, topic: batch.topic, partition: batch.partition }, 'ledger batch failed');
          this.failure = err;
          throw err;
        }
        this.failure = null;
        const last = batch.messages.at(-1);
        if (last) batch.resolveOffset(last.offset);
      },
      {
        autoCommit: true,
        seekTo,
        onSkipped: (topic, partition, last) => this.skipped(topic, partition, last),
      },
    );
    return consumer;
  }

  /** Transaction markers and aborted records read: nothing to apply, the offset moves on. */
  private async skipped(topic: string, partition: number, lastOffset: string): Promise<void> {
    await this.db.query(
      `INSERT INTO consumer_offsets (consumer, topic, partition, next_offset) VALUES ($1, $2, $3, $4)
       ON CONFLICT (consumer, topic, partition) DO UPDATE
       SET next_offset = GREATEST(consumer_offsets.next_offset, EXCLUDED.next_offset)`,
      [CONSUMER, topic, partition, Number(lastOffset) + 1],
    );
  }

  private lockKey(): string {
    return ledgerLockKey(this.db.schema);
  }

  private async lock(): Promise<boolean> {
    const client = await this.db.pool.connect();
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
      this.lockKey(),
    ]);
    if (rows[0]!.ok) {
      this.lockClient = client;
      return true;
    }
    client.release();
    return false;
  }

  private async unlock(): Promise<void> {
    const client = this.lockClient;
    if (!client) return;
    this.lockClient = null;
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [this.lockKey()]).catch(() => undefined);
    client.release();
  }
}

async function topicEnds(
  admin: Admin,
  topics: readonly string[],
): Promise<{ topic: string; partition: number; low: number; high: number }[]> {
  const out = [];
  for (const topic of topics) {
    for (const o of await admin.topicOffsets(topic))
      out.push({ topic, partition: o.partition, low: Number(o.low), high: Number(o.high) });
  }
  return out;
}
