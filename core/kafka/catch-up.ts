import type { PartitionOffsets } from './types.ts';

/** How a read caught up: every partition reached its end offset, nothing arrived for a while, or there was nothing to read. */
export type CaughtUpBy = 'ends' | 'idle' | 'empty';

export interface CatchUpOptions {
  /** caught up once no batch has arrived (or been in hand) for this long */
  idleMs: number;
  /**
   * the first wait, from `start()` to the first batch: joining a consumer group takes a few
   * seconds (the longer of this and idleMs; 15 s unless given)
   */
  joinMs?: number;
  /** unref the timers, so a wait alone does not keep the process alive */
  unref?: boolean;
}

/**
 * When has a consumer caught up with topics as they were at a moment? The end offsets per
 * topic and partition are taken at that moment; a partition is caught up once a record at or
 * past its end offset has been handled. Aborted records and transaction markers take offsets
 * but are never delivered, so a partition whose last records are markers never gets there: the
 * whole read also counts as caught up once nothing has arrived for `idleMs` (a batch in hand
 * does not count as idle, however long its handling takes).
 *
 * Serves a reader that stops once caught up (`KafkaClient.readToEnd`) as well as a consumer
 * that only wants to know, and keeps consuming (`caughtUp` resolves once; later calls are
 * no-ops). Feed it every batch: `arrived` when the batch is handed over, `handled` once its
 * records are applied.
 */
export class CatchUp {
  /** resolves once caught up, with how; never rejects */
  readonly caughtUp: Promise<CaughtUpBy>;
  private resolveCaughtUp!: (by: CaughtUpBy) => void;
  /** end offset per `topic:partition` not yet reached */
  private readonly ends = new Map<string, number>();
  /** next offset to read per `topic:partition`, for `remaining()` */
  private readonly next = new Map<string, number>();
  /** offsets to read in all, from each partition's low to its end offset */
  private total = 0;
  private readonly idleMs: number;
  private readonly joinMs: number;
  private readonly unref: boolean;
  private idle: NodeJS.Timeout | null = null;
  private inHand = 0;
  private started = false;
  private by: CaughtUpBy | null = null;

  /** `offsets`: each partition's low and high watermark at the moment to catch up with. */
  constructor(
    offsets: readonly { topic: string; partition: number; low: string | number; high: string | number }[],
    options: CatchUpOptions,
  ) {
    this.caughtUp = new Promise((resolve) => (this.resolveCaughtUp = resolve));
    this.idleMs = options.idleMs;
    this.joinMs = Math.max(options.idleMs, options.joinMs ?? 15000);
    this.unref = options.unref ?? false;
    for (const o of offsets) {
      const high = Number(o.high);
      const low = Number(o.low);
      // An empty partition (nothing, or nothing left after retention) has nothing to reach.
      if (high > low) {
        this.ends.set(key(o.topic, o.partition), high);
        this.next.set(key(o.topic, o.partition), low);
        this.total += high - low;
      }
    }
  }

  /** The end offsets of `topics` as of now, from an admin client. */
  static async of(
    admin: { topicOffsets(topic: string): Promise<PartitionOffsets[]> },
    topics: readonly string[],
    options: CatchUpOptions,
  ): Promise<CatchUp> {
    const offsets = [];
    for (const topic of topics) {
      for (const o of await admin.topicOffsets(topic)) offsets.push({ topic, ...o });
    }
    return new CatchUp(offsets, options);
  }

  /** true once caught up */
  get done(): boolean {
    return this.by !== null;
  }

  /** true when there was nothing to read at all: a reader need not start a consumer */
  get empty(): boolean {
    return this.ends.size === 0 && this.by === null;
  }

  /**
   * Starts the clock: call once consuming begins (after subscribing). With nothing to read it
   * is caught up at once.
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.ends.size === 0) this.finish('empty');
    else if (this.inHand === 0) this.armIdle(this.joinMs);
  }

  /** A batch of `topic`/`partition` has been handed over: the idle clock stops until it is handled. */
  arrived(_topic: string, _partition: number): void {
    if (this.done) return;
    this.inHand++;
    this.clearIdle();
  }

  /**
   * The batch's records are applied; `lastOffset` is its last record's offset (none for a batch
   * without records). Reaching every end offset catches up at once; otherwise the idle clock
   * starts again once no batch is in hand. Calling it without `arrived` is fine too.
   */
  handled(topic: string, partition: number, lastOffset?: string | number): void {
    if (this.done) return;
    if (this.inHand > 0) this.inHand--;
    const k = key(topic, partition);
    const end = this.ends.get(k);
    if (lastOffset !== undefined && end !== undefined) {
      const next = Number(lastOffset) + 1;
      if (next >= end) {
        this.ends.delete(k);
        this.next.delete(k);
      } else if (next > (this.next.get(k) ?? 0)) this.next.set(k, next);
    }
    if (this.ends.size === 0) this.finish('ends');
    else if (this.started && this.inHand === 0) this.armIdle(this.idleMs);
  }

  /**
   * How far the read is, from 0 to 1: the share of the offsets from each partition's low to its
   * end offset that have been handled (1 once caught up, however). Offsets, not records: a
   * compacted topic's gaps count as read once passed.
   */
  fraction(): number {
    if (this.done || this.total === 0) return 1;
    let left = 0;
    for (const [k, end] of this.ends) left += end - this.next.get(k)!;
    return 1 - left / this.total;
  }

  /** The partitions not at their end offset yet, for a message saying where a read stands. */
  remaining(): { topic: string; partition: number; next: number; end: number }[] {
    return [...this.ends].map(([k, end]) => {
      const at = k.lastIndexOf(':');
      return { topic: k.slice(0, at), partition: Number(k.slice(at + 1)), next: this.next.get(k)!, end };
    });
  }

  /** Stops the clock without catching up (a reader that gives up); `caughtUp` stays pending. */
  stop(): void {
    this.clearIdle();
    this.started = false;
  }

  private finish(by: CaughtUpBy): void {
    if (this.done) return;
    this.by = by;
    this.clearIdle();
    this.resolveCaughtUp(by);
  }

  private armIdle(ms: number): void {
    this.clearIdle();
    this.idle = setTimeout(() => this.finish('idle'), ms);
    if (this.unref) this.idle.unref();
  }

  private clearIdle(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
  }
}

// Kafka topic names have no ':' ([a-zA-Z0-9._-]).
function key(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}
