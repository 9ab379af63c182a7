import {
  auditMessage,
  parseDeadLetterHeaders,
  type AuditRecord,
  type DeadLetter,
  type Settlement,
} from '../core/topics/index.ts';
import type { IngestRuntime } from '../ingest/index.ts';
import { DEAD_LETTER_STATE_SQL, Ledger } from '../ledger/index.ts';

// The dead letters as work items, as the ledger keeps them: one row per dead line (its newest
// record on usage.lines.dlq) and the state the last action on dlq.audit left it in. Every
// read first brings the ledger up to the topics, so what an action just published is seen.
// Correction intake and the dlq commands (list, request, replay, purge) share it.
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

export type { Settlement };

export class DeadLetters {
  private ledger: Promise<Ledger> | null = null;
  private syncing: Promise<void> = Promise.resolve();

  constructor(private readonly rt: IngestRuntime) {}

  static of(rt: IngestRuntime): DeadLetters {
    return new DeadLetters(rt);
  }

  get topic(): string {
    return this.rt.topic('usage.lines.dlq');
  }

  /** The ledger brought up to the topics as they are now. */
  async sync(): Promise<void> {
    if (!this.ledger) {
      this.ledger = Ledger.open(this.rt.config, this.rt.logger, { db: this.rt.db });
      this.rt.onClose(() => this.close());
    }
    const ledger = this.ledger;
    // One catch-up at a time (the API's requests come together): each still reads the
    // topics' ends as of its own turn, so it sees what was published before it was asked.
    const turn = this.syncing.then(async () => (await ledger).catchUp());
    this.syncing = turn.catch(() => undefined);
    await turn;
  }

  /**
   * Every dead letter matching the filter. A line whose state was settled for an older
   * record has failed again since: it is open.
   */
  async list(filter: DeadLetterFilter = {}): Promise<DeadLetterItem[]> {
    await this.sync();
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.fileId) where.push(`d.file_id = $${values.push(filter.fileId)}`);
    if (filter.sender) where.push(`COALESCE(d.sender, f.sender) = $${values.push(filter.sender)}`);
    if (filter.stage) where.push(`d.stage = $${values.push(filter.stage)}`);
    if (filter.errorClass) where.push(`d.error_class = $${values.push(filter.errorClass)}`);
    if (filter.since) where.push(`d.last_failure >= $${values.push(filter.since)}`);
    const { rows } = await this.rt.db.query<ItemRow>(
      `SELECT d.headers, d.raw, d.record_partition, d.record_offset, COALESCE(s.replays, 0) AS replays,
         f.sender AS file_sender, ${DEAD_LETTER_STATE_SQL} AS state
       FROM dead_letters d LEFT JOIN dead_letter_settlements s ON s.line_id = d.line_id LEFT JOIN files f ON f.file_id = d.file_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
      values,
    );
    const items: DeadLetterItem[] = [];
    for (const r of rows) {
      const headers = parseDeadLetterHeaders(
        Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Buffer.from(v, 'utf8')])),
      );
      items.push({
        ...headers,
        ...(headers.sender === undefined && r.file_sender ? { sender: r.file_sender } : {}),
        state: r.state,
        raw: r.raw,
        partition: r.record_partition,
        offset: String(r.record_offset),
        replays: r.replays,
      });
    }
    return filterDeadLetters(items, filter);
  }

  /**
   * Claims lines for a replay run (`in progress by <runId>`) before it publishes them; a
   * run's own claims are accepted again, so a rerun after a crash goes on. Returns the lines
   * another run holds, with that run; then none is claimed (the run does not go on).
   */
  async claim(lineIds: string[], runId: string): Promise<{ lineId: string; by: string }[]> {
    if (lineIds.length === 0) return [];
    return this.rt.db.tx(async (client) => {
      await client.query(
        `INSERT INTO dead_letter_claims (line_id, run_id) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING`,
        [lineIds, runId],
      );
      const { rows } = await client.query<{ line_id: string; run_id: string }>(
        'SELECT line_id, run_id FROM dead_letter_claims WHERE line_id = ANY($1) AND run_id <> $2',
        [lineIds, runId],
      );
      const held = rows.map((r) => ({ lineId: r.line_id, by: r.run_id }));
      if (held.length)
        await client.query('DELETE FROM dead_letter_claims WHERE line_id = ANY($1) AND run_id = $2', [
          lineIds,
          runId,
        ]);
      return held;
    });
  }

  /** Writes an action's audit record, whose settlements the ledger applies; then reads them. */
  async record(audit: Omit<AuditRecord, 'at'>, key = '*'): Promise<void> {
    await (await this.rt.producer()).send(this.rt.topic('dlq.audit'), [auditMessage(audit, key)]);
    await this.sync();
  }

  /** Lets go of a run's claims, once the ledger has its settlements. */
  async release(runId: string): Promise<void> {
    await this.rt.db.query('DELETE FROM dead_letter_claims WHERE run_id = $1', [runId]);
  }

  /** The run that last settled each line and its result there, or null. */
  async settledBy(lineIds: string[]): Promise<({ runId: string; result: string } | null)[]> {
    if (lineIds.length === 0) return [];
    await this.sync();
    const { rows } = await this.rt.db.query<{
      line_id: string;
      run_id: string | null;
      result: string | null;
    }>('SELECT line_id, run_id, result FROM dead_letter_settlements WHERE line_id = ANY($1)', [lineIds]);
    const by = new Map(rows.map((r) => [r.line_id, r]));
    return lineIds.map((id) => {
      const r = by.get(id);
      return r?.run_id ? { runId: r.run_id, result: r.result ?? '' } : null;
    });
  }

  /** Lines a run has settled so far (a rerun goes on after them). */
  async settledByRun(runId: string): Promise<Set<string>> {
    await this.sync();
    const { rows } = await this.rt.db.query<{ line_id: string }>(
      'SELECT line_id FROM dead_letter_settlements WHERE run_id = $1',
      [runId],
    );
    return new Set(rows.map((r) => r.line_id));
  }

  async close(): Promise<void> {
    if (this.ledger) await (await this.ledger).close();
    this.ledger = null;
  }
}

interface ItemRow {
  headers: Record<string, string>;
  raw: Buffer;
  record_partition: number;
  record_offset: number;
  replays: number;
  file_sender: string | null;
  state: DeadLetterState;
}

/** The settlements of an action that sets these lines to `state` (purge, re-send request). */
export function settlementsOf(
  items: readonly DeadLetterItem[],
  state: DeadLetterState,
  result: string,
): Settlement[] {
  return items.map((d) => ({ lineId: d.lineId, fileId: d.fileId, state, marker: markerOf(d), result }));
}
