import {
  deadLetterHeaders,
  markerOf,
  REPLAY_COUNT_HEADER,
  type DeadLetterItem,
  type DeadLetters,
  type Settlement,
} from '../../core/dlq/index.ts';
import type { OutgoingMessage, TransactionalProducer } from '../../core/kafka/index.ts';
import type { FileRecord } from '../files/file-store.ts';
import type { IngestRuntime } from '../runtime.ts';
import { parseFile, type LineOutcome } from '../split/parse-file.ts';
import { openContent } from '../split/content.ts';

// Replaying dead lines, for `dlq replay` and for a sender's correction file alike.
//
// A parse/validate line is read again by the parser the split uses, from the original file
// in the landing store, so it has its block context (the resource, release and summary
// lines before it); a corrected line simply takes the place of the original on that read.
// A match-stage line goes back to usage.lines as it was, for the matcher.

export const DEFAULT_MAX_REPLAYS = 3;

export interface PlannedReplay {
  item: DeadLetterItem;
  /** what the parser says of the line now (parse/validate stages); absent for match */
  outcome?: LineOutcome;
}

export type ReplayResult = 'resolved' | 'replayed' | 'failed-again' | 'parked';

/** The dead letters whose root cause (the line they were orphaned by) is among `selected`. */
export function withOrphans(all: DeadLetterItem[], selected: DeadLetterItem[]): DeadLetterItem[] {
  const chosen = new Set(selected.map((d) => d.lineId));
  const roots = new Set(selected.map((d) => `${d.fileId}:${d.lineNumber}`));
  const orphans = all.filter(
    (d) =>
      !chosen.has(d.lineId) && d.rootCauseLine !== undefined && roots.has(`${d.fileId}:${d.rootCauseLine}`),
  );
  return [...selected, ...orphans];
}

/** The outcome each line would have now, reading the file again (nothing is published). */
export async function planReplay(
  rt: IngestRuntime,
  items: DeadLetterItem[],
  replace: ReadonlyMap<string, Buffer> = new Map(),
): Promise<PlannedReplay[]> {
  const byFile = new Map<string, DeadLetterItem[]>();
  for (const d of items) {
    if (d.stage === 'match' || d.stage === 'export') continue;
    byFile.set(d.fileId, [...(byFile.get(d.fileId) ?? []), d]);
  }
  const outcomes = new Map<string, LineOutcome>();
  for (const [fileId, lines] of byFile) {
    const record = await rt.files.get(fileId);
    if (!record) throw new Error(`dead letters of file ${fileId}, which the file store does not know`);
    const replaceLines = new Map<number, Buffer>();
    for (const d of lines) {
      const bytes = replace.get(d.lineId);
      if (bytes) replaceLines.set(d.lineNumber, bytes);
    }
    const read = await reread(rt, record, new Set(lines.map((d) => d.lineNumber)), replaceLines);
    for (const [n, outcome] of read) outcomes.set(`${fileId}:${n}`, outcome);
  }
  return items.map((item) => {
    const outcome = outcomes.get(item.lineId);
    return outcome ? { item, outcome } : { item };
  });
}

async function reread(
  rt: IngestRuntime,
  record: FileRecord,
  wanted: Set<number>,
  replace: Map<number, Buffer>,
): Promise<Map<number, LineOutcome>> {
  if (!(await rt.landing.exists(record.landingKey)))
    throw new Error(`the landing store has no content ${record.landingKey} for file ${record.fileId}`);
  const batches = parseFile(record.format, openContent(rt, record), {
    fileId: record.fileId,
    sender: record.sender,
    fileName: record.fileName,
    config: rt.config,
    replace,
    ...(rt.csvMappings.has(record.sender) ? { csvMapping: rt.csvMappings.get(record.sender)! } : {}),
  });
  const out = new Map<number, LineOutcome>();
  for (;;) {
    const next = await batches.next();
    if (next.done) {
      if (next.value.fileError && out.size < wanted.size)
        throw new Error(`file ${record.fileId} reads no more: ${next.value.fileError}`);
      return out;
    }
    for (const o of next.value) if (wanted.has(o.lineNumber)) out.set(o.lineNumber, o);
  }
}

/** What a replay would do with a planned line, without doing it. */
export function expectedResult(p: PlannedReplay, maxReplays: number): ReplayResult {
  if (!p.outcome) return 'replayed';
  if (p.outcome.kind !== 'dead') return 'resolved';
  return p.item.replays + 1 >= maxReplays ? 'parked' : 'failed-again';
}

/** Where a replay's messages go; built from the plan before anything is sent. */
interface Publication {
  usage: OutgoingMessage[];
  dead: OutgoingMessage[];
  parked: OutgoingMessage[];
  settled: Settlement[];
  results: Map<string, ReplayResult>;
}

function publicationOf(rt: IngestRuntime, planned: PlannedReplay[], maxReplays: number): Publication {
  const out: Publication = { usage: [], dead: [], parked: [], settled: [], results: new Map() };
  const now = new Date();
  for (const p of planned) {
    const { item, outcome } = p;
    const count = String(item.replays + 1);
    const result = expectedResult(p, maxReplays);
    out.results.set(item.lineId, result);
    const settle = (state: Settlement['state']) =>
      out.settled.push({ lineId: item.lineId, fileId: item.fileId, state, marker: markerOf(item), result });
    if (!outcome) {
      out.usage.push({ key: item.lineId, value: item.raw, headers: { [REPLAY_COUNT_HEADER]: count } });
      settle('replayed');
    } else if (outcome.kind === 'usage') {
      out.usage.push({
        key: item.lineId,
        value: rt.usageSerde.encode(outcome.value),
        headers: { [REPLAY_COUNT_HEADER]: count },
      });
      settle('resolved');
    } else if (outcome.kind === 'context') {
      settle('resolved'); // a corrected resource/release/summary line: nothing to emit
    } else {
      const headers = deadLetterHeaders({
        ...item,
        stage: outcome.stage,
        errorClass: outcome.errorClass,
        message: outcome.message,
        ...(outcome.recordType !== undefined ? { recordType: outcome.recordType } : {}),
        ...(outcome.cell !== undefined ? { cell: outcome.cell } : {}),
        ...(outcome.rootCauseLine !== undefined ? { rootCauseLine: outcome.rootCauseLine } : {}),
        attempt: item.attempt + 1,
        lastFailure: now,
      });
      const message = {
        key: item.lineId,
        value: outcome.bytes,
        headers: { ...headers, [REPLAY_COUNT_HEADER]: count },
      };
      if (result === 'parked') {
        out.parked.push(message);
        settle('parked');
      } else {
        out.dead.push(message);
        settle('open'); // the new record supersedes this one
      }
    }
  }
  return out;
}

/** What a run is about to publish, kept in Redis until Redis is settled for it. */
interface Pending {
  /** the run's checkpoint once this batch's transaction has committed */
  seq: number;
  settled: Settlement[];
  progressKey?: string;
}

export class ReplayInProgressError extends Error {
  readonly code = 'IN_PROGRESS';
  constructor(readonly held: { lineId: string; by: string }[]) {
    super(
      `${held.length} line(s) are being replayed by another run: ${held
        .slice(0, 5)
        .map((h) => `${h.lineId} (${h.by})`)
        .join(', ')}${held.length > 5 ? ', …' : ''}`,
    );
    this.name = 'ReplayInProgressError';
  }
}

/**
 * One replay run (a `dlq replay --apply` by its arguments, or a correction file), safe to
 * crash and run again. Per batch: the lines are claimed for the run in Redis and what Redis
 * will be set to is written down (pending); usage.lines, the DLQ, the parked topic and the
 * audit records go out in ONE Kafka transaction that also commits the run's checkpoint (a
 * consumer-group offset, as the split does); then Redis is settled in one MULTI. A run opened
 * again first settles a pending batch whose transaction committed (checkpoint reached) and
 * drops one whose transaction did not (its lines are still open, claimed by this run, and are
 * planned again). So no line is published or counted twice, and none is lost.
 */
export class ReplayRun {
  private constructor(
    private readonly rt: IngestRuntime,
    private readonly deadLetters: DeadLetters,
    readonly runId: string,
    private readonly producer: TransactionalProducer,
    private seq: number,
    private readonly progressKey: string | undefined,
  ) {}

  /** Opens the run's transactional producer (fencing a crashed run's open transaction) and recovers. */
  static async open(
    rt: IngestRuntime,
    deadLetters: DeadLetters,
    runId: string,
    options: { progressKey?: string } = {},
  ): Promise<ReplayRun> {
    const producer = await rt.kafka.transactionalProducer(ReplayRun.group(rt, runId));
    try {
      const run = new ReplayRun(rt, deadLetters, runId, producer, 0, options.progressKey);
      run.seq = await run.checkpoint();
      await run.recover();
      return run;
    } catch (err) {
      await producer.disconnect();
      throw err;
    }
  }

  private static group(rt: IngestRuntime, runId: string): string {
    return `${rt.config.kafka.topicPrefix}tallyline.replay.${runId}`;
  }

  private get pendingKey(): string {
    return `${this.rt.config.redis.prefix}:dlq:pending:${this.runId}`;
  }

  private async checkpoint(): Promise<number> {
    const admin = await this.rt.kafka.admin();
    try {
      const offsets = await admin.groupOffsets(
        ReplayRun.group(this.rt, this.runId),
        this.rt.topic('usage.files'),
      );
      return Math.max(0, Number(offsets.find((o) => o.partition === 0)?.offset ?? 0));
    } finally {
      await admin.disconnect();
    }
  }

  private async recover(): Promise<void> {
    const text = await this.rt.redis.get(this.pendingKey);
    if (!text) return;
    const pending = JSON.parse(text) as Pending;
    if (this.seq >= pending.seq) await this.settle(pending);
    else await this.rt.redis.del(this.pendingKey); // never published: planned again
  }

  private async settle(pending: Pending): Promise<void> {
    await this.deadLetters.finish(this.runId, pending.settled, {
      pendingKey: this.pendingKey,
      ...(pending.progressKey ? { progressKey: pending.progressKey } : {}),
    });
    // `corrected` is the size of the file's set of resolved lines: a rerun cannot inflate it.
    for (const fileId of new Set(pending.settled.filter((s) => s.state === 'resolved').map((s) => s.fileId)))
      if (await this.rt.files.get(fileId))
        await this.rt.files.update(fileId, { corrected: await this.deadLetters.correctedCount(fileId) });
  }

  /**
   * Publishes the planned replays and settles the dead letters: a line that passes goes to
   * usage.lines under its original lineId and is resolved; one that fails again gets a new
   * dead letter (attempt + 1), or goes to usage.lines.parked once it has failed `maxReplays`
   * replays. `audit` gives the audit records for the results, sent in the same transaction.
   * `afterCommit` is for tests: a crash between Kafka and Redis.
   */
  async apply(
    planned: PlannedReplay[],
    options: {
      maxReplays: number;
      audit?: (results: Map<string, ReplayResult>) => OutgoingMessage[];
      afterCommit?: () => Promise<void>;
    },
  ): Promise<Map<string, ReplayResult>> {
    const held = await this.deadLetters.claim(
      planned.map((p) => p.item.lineId),
      this.runId,
    );
    if (held.length) throw new ReplayInProgressError(held);
    const out = publicationOf(this.rt, planned, options.maxReplays);
    const pending: Pending = {
      seq: this.seq + 1,
      settled: out.settled,
      ...(this.progressKey ? { progressKey: this.progressKey } : {}),
    };
    await this.rt.redis.set(this.pendingKey, JSON.stringify(pending));
    const audit = options.audit?.(out.results) ?? [];
    await this.producer.transaction(async (tx) => {
      if (out.usage.length) await tx.send(this.rt.topic('usage.lines'), out.usage);
      if (out.dead.length) await tx.send(this.rt.topic('usage.lines.dlq'), out.dead);
      if (out.parked.length) await tx.send(this.rt.topic('usage.lines.parked'), out.parked);
      if (audit.length) await tx.send(this.rt.topic('dlq.audit'), audit);
      await tx.sendOffsets(ReplayRun.group(this.rt, this.runId), this.rt.topic('usage.files'), [
        { partition: 0, offset: String(pending.seq) },
      ]);
    });
    this.seq = pending.seq;
    await options.afterCommit?.();
    await this.settle(pending);
    return out.results;
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
