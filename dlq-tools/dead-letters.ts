import type { Redis } from 'ioredis';
import { parseDeadLetterHeaders, type DeadLetter } from '../core/dlq/index.ts';
import type { IncomingMessage, KafkaClient } from '../core/kafka/index.ts';
import { resolveRecord, splitCells } from '../ingest/dsr/index.ts';

// The dead letters as work items: read from usage.lines.dlq, with the state each is in
// (open until requested from the sender or resolved by a correction) kept in Redis.

export type DeadLetterState = 'open' | 'requested' | 'resolved';

export interface DeadLetterItem extends DeadLetter {
  state: DeadLetterState;
  /** the original line, as it was */
  raw: Buffer;
  partition: number;
  offset: string;
}

export interface DeadLetterFilter {
  fileId?: string;
  sender?: string;
  stage?: string;
  errorClass?: string;
  since?: Date;
  state?: DeadLetterState;
}

export class DeadLetters {
  constructor(
    private readonly kafka: KafkaClient,
    private readonly redis: Redis,
    private readonly topic: string,
    private readonly redisPrefix: string,
  ) {}

  private get stateKey() {
    return `${this.redisPrefix}:dlq:state`;
  }

  /** Every dead letter matching the filter; the newest record of a line id wins (a replay's). */
  async list(filter: DeadLetterFilter = {}): Promise<DeadLetterItem[]> {
    const messages = await this.kafka.readAll(this.topic);
    const byLine = new Map<string, IncomingMessage>();
    for (const m of messages) byLine.set(m.key?.toString() ?? '', m);
    const ids = [...byLine.keys()];
    const states = ids.length ? await this.redis.hmget(this.stateKey, ...ids) : [];
    const items: DeadLetterItem[] = [];
    ids.forEach((id, i) => {
      const m = byLine.get(id)!;
      let headers: DeadLetter;
      try {
        headers = parseDeadLetterHeaders(m.headers);
      } catch {
        return; // not one of ours: nothing to act on
      }
      items.push({
        ...headers,
        state: (states[i] as DeadLetterState | null) ?? 'open',
        raw: m.value ?? Buffer.alloc(0),
        partition: m.partition,
        offset: m.offset,
      });
    });
    return items
      .filter(
        (d) =>
          (!filter.fileId || d.fileId === filter.fileId) &&
          (!filter.sender || d.sender === filter.sender) &&
          (!filter.stage || d.stage === filter.stage) &&
          (!filter.errorClass || d.errorClass === filter.errorClass) &&
          (!filter.since || d.lastFailure >= filter.since) &&
          (!filter.state || d.state === filter.state),
      )
      .sort((a, b) => (a.fileId === b.fileId ? a.lineNumber - b.lineNumber : a.fileId < b.fileId ? -1 : 1));
  }

  async setState(lineIds: string[], state: DeadLetterState): Promise<void> {
    if (lineIds.length === 0) return;
    await this.redis.hset(this.stateKey, Object.fromEntries(lineIds.map((id) => [id, state])));
  }
}

/** Counts of dead letters by error class, stage, sender and file. */
export function deadLetterStats(items: DeadLetterItem[]) {
  const count = (key: (d: DeadLetterItem) => string | undefined) => {
    const out: Record<string, number> = {};
    for (const d of items) {
      const k = key(d) ?? '(none)';
      out[k] = (out[k] ?? 0) + 1;
    }
    return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
  };
  return {
    total: items.length,
    byErrorClass: count((d) => d.errorClass),
    byStage: count((d) => d.stage),
    bySender: count((d) => d.sender),
    byFile: count((d) => d.fileId),
    byState: count((d) => d.state),
  };
}

/**
 * A dead line's cells by name, where its record type has a known layout (DSR), else by
 * position. Invalid UTF-8 is shown with replacement characters; the raw bytes stay as they are.
 */
export function cellsOf(item: Pick<DeadLetterItem, 'raw' | 'recordType'>): { name: string; value: string }[] {
  const text = item.raw.toString('utf8');
  const cells = splitCells(text);
  const layout = item.recordType ? resolveRecord(item.recordType) : resolveRecord(cells[0] ?? '');
  return cells.map((value, i) => ({ name: layout?.names[i] ?? `cell ${i + 1}`, value }));
}
