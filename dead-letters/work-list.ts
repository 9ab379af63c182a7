import type { Redis } from 'ioredis';
import type { IncomingMessage, KafkaClient } from '../core/kafka/index.ts';
import { parseDeadLetterHeaders, type DeadLetter } from '../core/topics/index.ts';

// The dead letters as work items: read from usage.lines.dlq, with the state each is in kept
// in Redis. Ingest (correction intake) and dlq-tools (list, request, replay, purge) share it.
//
// open: to be dealt with; requested: asked of the sender; resolved: a replay or correction
// made it pass; replayed: a match-stage line handed back to the matcher; parked: failed
// --max-replays times, for a person; purged: removed from the work list (the record stays
// on the topic until retention: Kafka cannot delete one record).
export type DeadLetterState = 'open' | 'requested' | 'resolved' | 'replayed' | 'parked' | 'purged';
export const DEAD_LETTER_STATES: readonly DeadLetterState[] = [
  'open',
  'requested',
  'resolved',
  'replayed',
  'parked',
  'purged',
];
/** States a replay or a correction acts on. */
export const REPLAYABLE_STATES: ReadonlySet<DeadLetterState> = new Set(['open', 'requested']);

export interface DeadLetterItem extends DeadLetter {
  state: DeadLetterState;
  /** the original line, as it was */
  raw: Buffer;
  partition: number;
  offset: string;
  /** replays of this line so far */
  replays: number;
}

export interface DeadLetterFilter {
  fileId?: string;
  sender?: string;
  stage?: string;
  errorClass?: string;
  since?: Date;
  /** without it, purged lines are left out */
  state?: DeadLetterState;
}

/** The dead letters a filter selects, by file and line. */
export function filterDeadLetters(items: DeadLetterItem[], filter: DeadLetterFilter): DeadLetterItem[] {
  return items
    .filter(
      (d) =>
        (!filter.fileId || d.fileId === filter.fileId) &&
        (!filter.sender || d.sender === filter.sender) &&
        (!filter.stage || d.stage === filter.stage) &&
        (!filter.errorClass || d.errorClass === filter.errorClass) &&
        (!filter.since || d.lastFailure >= filter.since) &&
        (filter.state ? d.state === filter.state : d.state !== 'purged'),
    )
    .sort((a, b) => (a.fileId === b.fileId ? a.lineNumber - b.lineNumber : a.fileId < b.fileId ? -1 : 1));
}

/** Which record of the topic a state was set for. */
export const markerOf = (d: Pick<DeadLetterItem, 'partition' | 'offset'>) => `${d.partition}:${d.offset}`;

/** A line a replay run settled: its new state, the record it was set for, the run's result. */
export interface Settlement {
  lineId: string;
  fileId: string;
  state: DeadLetterState;
  marker: string;
  result: string;
}

export class DeadLetters {
  constructor(
    private readonly kafka: KafkaClient,
    private readonly redis: Redis,
    readonly topic: string,
    private readonly redisPrefix: string,
  ) {}

  private key(name: 'state' | 'marker' | 'replays' | 'claim' | 'by') {
    return `${this.redisPrefix}:dlq:${name}`;
  }

  /** lineIds of a file's dead letters a replay or a correction resolved (a set: rerun-proof). */
  private correctedKey(fileId: string) {
    return `${this.redisPrefix}:dlq:corrected:${fileId}`;
  }

  /**
   * Every dead letter matching the filter; the newest record of a line id wins (a replay's).
   * A line whose state was settled for an older record has failed again since: it is open.
   */
  async list(filter: DeadLetterFilter = {}): Promise<DeadLetterItem[]> {
    // Read batch by batch: a line's older records are dropped as soon as a newer one arrives.
    const byLine = new Map<string, IncomingMessage>();
    await this.kafka.readToEnd(this.topic, (messages) => {
      for (const m of messages) byLine.set(m.key?.toString() ?? '', m);
    });
    const ids = [...byLine.keys()];
    const [states, markers, replays] = ids.length
      ? await Promise.all([
          this.redis.hmget(this.key('state'), ...ids),
          this.redis.hmget(this.key('marker'), ...ids),
          this.redis.hmget(this.key('replays'), ...ids),
        ])
      : [[], [], []];
    const items: DeadLetterItem[] = [];
    ids.forEach((id, i) => {
      const m = byLine.get(id)!;
      let headers: DeadLetter;
      try {
        headers = parseDeadLetterHeaders(m.headers);
      } catch {
        return; // not one of ours: nothing to act on
      }
      const marker = markers[i];
      const stale = marker != null && marker !== markerOf(m);
      items.push({
        ...headers,
        state: stale ? 'open' : ((states[i] as DeadLetterState | null) ?? 'open'),
        raw: m.value ?? Buffer.alloc(0),
        partition: m.partition,
        offset: m.offset,
        replays: Number(replays[i] ?? 0),
      });
    });
    return filterDeadLetters(items, filter);
  }

  async setState(lineIds: string[], state: DeadLetterState): Promise<void> {
    if (lineIds.length === 0) return;
    await this.redis.hset(this.key('state'), Object.fromEntries(lineIds.map((id) => [id, state])));
  }

  /** Sets the state of these records; a newer record of the same line reopens it. */
  async settle(items: DeadLetterItem[], state: DeadLetterState): Promise<void> {
    if (items.length === 0) return;
    await this.redis
      .multi()
      .hset(this.key('state'), Object.fromEntries(items.map((d) => [d.lineId, state])))
      .hset(this.key('marker'), Object.fromEntries(items.map((d) => [d.lineId, markerOf(d)])))
      .exec();
  }

  /** Counts one more replay of each line. */
  async countReplays(lineIds: string[]): Promise<void> {
    if (lineIds.length === 0) return;
    const multi = this.redis.multi();
    for (const id of lineIds) multi.hincrby(this.key('replays'), id, 1);
    await multi.exec();
  }

  /**
   * Claims lines for a replay run (`in progress by <runId>`) before it publishes them; a
   * run's own claims are accepted again, so a rerun after a crash goes on. Returns the lines
   * another run holds, with that run; then none is claimed (the run does not go on).
   */
  async claim(lineIds: string[], runId: string): Promise<{ lineId: string; by: string }[]> {
    if (lineIds.length === 0) return [];
    const multi = this.redis.multi();
    for (const id of lineIds) multi.hsetnx(this.key('claim'), id, runId).hget(this.key('claim'), id);
    const replies = (await multi.exec()) ?? [];
    const held: { lineId: string; by: string }[] = [];
    lineIds.forEach((lineId, i) => {
      const by = replies[i * 2 + 1]?.[1] as string | null;
      if (by !== runId) held.push({ lineId, by: by ?? '?' });
    });
    if (held.length) {
      const heldIds = new Set(held.map((h) => h.lineId));
      const mine = lineIds.filter((id) => !heldIds.has(id));
      if (mine.length) await this.redis.hdel(this.key('claim'), ...mine);
    }
    return held;
  }

  /** The run that last settled each line and its result there (`<runId> <result>`), or null. */
  async settledBy(lineIds: string[]): Promise<({ runId: string; result: string } | null)[]> {
    if (lineIds.length === 0) return [];
    return (await this.redis.hmget(this.key('by'), ...lineIds)).map((v) => {
      if (v == null) return null;
      const at = v.lastIndexOf(' ');
      return { runId: v.slice(0, at), result: v.slice(at + 1) };
    });
  }

  /**
   * Settles what a replay run published, in one Redis transaction: states, replay counts,
   * who settled, the corrected sets, the run's progress set; drops the claims and the run's
   * pending record. Idempotent but for the replay counts, which the caller guards (it
   * settles a pending record once: `pendingKey` is deleted here).
   */
  async finish(
    runId: string,
    settled: Settlement[],
    keys: { pendingKey: string; progressKey?: string },
  ): Promise<void> {
    const multi = this.redis.multi();
    if (settled.length) {
      const ids = settled.map((s) => s.lineId);
      multi
        .hset(this.key('state'), Object.fromEntries(settled.map((s) => [s.lineId, s.state])))
        .hset(this.key('marker'), Object.fromEntries(settled.map((s) => [s.lineId, s.marker])))
        .hset(this.key('by'), Object.fromEntries(settled.map((s) => [s.lineId, `${runId} ${s.result}`])))
        .hdel(this.key('claim'), ...ids);
      for (const id of ids) multi.hincrby(this.key('replays'), id, 1);
      for (const s of settled) if (s.state === 'resolved') multi.sadd(this.correctedKey(s.fileId), s.lineId);
      if (keys.progressKey) multi.sadd(keys.progressKey, ...ids).expire(keys.progressKey, 7 * 24 * 3600);
    }
    multi.del(keys.pendingKey);
    await multi.exec();
  }

  /** How many dead letters of a file were resolved, each counted once. */
  async correctedCount(fileId: string): Promise<number> {
    return this.redis.scard(this.correctedKey(fileId));
  }
}
