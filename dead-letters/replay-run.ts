import { deadLetterHeaders, REPLAY_COUNT_HEADER } from '../core/topics/index.ts';
import { markerOf, type DeadLetterItem, type DeadLetters, type Settlement } from './work-list.ts';
import type { OutgoingMessage, TransactionalProducer } from '../core/kafka/index.ts';
import {
  fitDeadLetter,
  recordLimits,
  reparseLines,
  type IngestRuntime,
  type LineOutcome,
} from '../ingest/index.ts';
import { replayInProgress } from './errors.ts';

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
  /** the landed content the line was read from again (with outcome) */
  landingKey?: string;
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
  const landingKeys = new Map<string, string>();
  for (const [fileId, lines] of byFile) {
    const record = await rt.files.get(fileId);
    if (!record) throw new Error(`dead letters of file ${fileId}, which the file store does not know`);
    const replaceLines = new Map<number, Buffer>();
    for (const d of lines) {
      const bytes = replace.get(d.lineId);
      if (bytes) replaceLines.set(d.lineNumber, bytes);
    }
    landingKeys.set(fileId, record.landingKey);
    const read = await reparseLines(rt, record, new Set(lines.map((d) => d.lineNumber)), replaceLines);
    for (const [n, outcome] of read) outcomes.set(`${fileId}:${n}`, outcome);
  }
  return items.map((item) => {
    const outcome = outcomes.get(item.lineId);
    return outcome ? { item, outcome, landingKey: landingKeys.get(item.fileId)! } : { item };
  });
}

/** What a replay would do with a planned line, without doing it. */
export function expectedResult(p: PlannedReplay, maxReplays: number): ReplayResult {
  // A match-stage line is judged by the matcher, after the replay: the loop guard parks one
  // that has come back dead from `maxReplays` replays already, instead of sending it again.
  if (!p.outcome) return p.item.replays >= maxReplays ? 'parked' : 'replayed';
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
    const settle = (state: Settlement['state'], emitted = false) =>
      out.settled.push({
        lineId: item.lineId,
        fileId: item.fileId,
        state,
        marker: markerOf(item),
        result,
        ...(emitted ? { emitted } : {}),
      });
    if (!outcome && result === 'parked') {
      out.parked.push({
        key: item.lineId,
        value: item.raw,
        headers: { ...deadLetterHeaders(item), [REPLAY_COUNT_HEADER]: String(item.replays) },
      });
      settle('parked');
    } else if (!outcome) {
      out.usage.push({ key: item.lineId, value: item.raw, headers: { [REPLAY_COUNT_HEADER]: count } });
      settle('replayed');
    } else if (outcome.kind === 'usage') {
      out.usage.push({
        key: item.lineId,
        value: rt.usageSerde.encode(outcome.value),
        headers: { [REPLAY_COUNT_HEADER]: count },
      });
      settle('resolved', true);
    } else if (outcome.kind === 'context') {
      settle('resolved'); // a corrected resource/release/summary line: nothing to emit
    } else {
      // The new record says for itself whether its raw is cut (fitDeadLetter).
      const { rawCut: _cut, rawLength: _length, landingKey: _key, ...failed } = item;
      const headers = deadLetterHeaders({
        ...failed,
        stage: outcome.stage,
        errorClass: outcome.errorClass,
        message: outcome.message,
        ...(outcome.recordType !== undefined ? { recordType: outcome.recordType } : {}),
        ...(outcome.cell !== undefined ? { cell: outcome.cell } : {}),
        ...(outcome.rootCauseLine !== undefined ? { rootCauseLine: outcome.rootCauseLine } : {}),
        attempt: item.attempt + 1,
        lastFailure: now,
      });
      const message = fitDeadLetter(
        { key: item.lineId, value: outcome.bytes, headers: { ...headers, [REPLAY_COUNT_HEADER]: count } },
        outcome,
        p.landingKey!,
        recordLimits(rt.config),
      );
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

/**
 * One replay run (a `dlq replay --apply` by its arguments, or a correction file), safe to
 * crash and run again. Per batch: the lines are claimed for the run (PostgreSQL), then
 * usage.lines, the DLQ, the parked topic and the audit records, which carry each line's new
 * state, go out in ONE Kafka transaction; the ledger settles the lines from those records. So
 * a crash leaves a batch either wholly published and settled (the ledger reads it whenever)
 * or not at all (its lines are still open, claimed by this run, and are planned again): no
 * line is published or counted twice, and none is lost. The run's transactional id fences a
 * crashed run's open transaction.
 */
export class ReplayRun {
  private constructor(
    private readonly rt: IngestRuntime,
    private readonly deadLetters: DeadLetters,
    readonly runId: string,
    private readonly producer: TransactionalProducer,
  ) {}

  /** Opens the run's transactional producer (fencing a crashed run's open transaction). */
  static async open(rt: IngestRuntime, deadLetters: DeadLetters, runId: string): Promise<ReplayRun> {
    const producer = await rt.kafka.transactionalProducer(
      `${rt.config.kafka.topicPrefix}tallyline.replay.${runId}`,
    );
    return new ReplayRun(rt, deadLetters, runId, producer);
  }

  /**
   * Publishes the planned replays; the audit records settle the dead letters: a line that
   * passes goes to usage.lines under its original lineId and is resolved; one that fails again
   * gets a new dead letter (attempt + 1), or goes to usage.lines.parked once it has failed
   * `maxReplays` replays. `audit` gives the audit records for the results and settlements,
   * sent in the same transaction. `afterCommit` is for tests: a crash right after it.
   */
  async apply(
    planned: PlannedReplay[],
    options: {
      maxReplays: number;
      audit?: (results: Map<string, ReplayResult>, settled: Settlement[]) => OutgoingMessage[];
      afterCommit?: () => Promise<void>;
    },
  ): Promise<Map<string, ReplayResult>> {
    const held = await this.deadLetters.claim(
      planned.map((p) => p.item.lineId),
      this.runId,
    );
    if (held.length) throw replayInProgress(held);
    const out = publicationOf(this.rt, planned, options.maxReplays);
    const audit = options.audit?.(out.results, out.settled) ?? [];
    await this.producer.transaction(async (tx) => {
      if (out.usage.length) await tx.send(this.rt.topic('usage.lines'), out.usage);
      if (out.dead.length) await tx.send(this.rt.topic('usage.lines.dlq'), out.dead);
      if (out.parked.length) await tx.send(this.rt.topic('usage.lines.parked'), out.parked);
      if (audit.length) await tx.send(this.rt.topic('dlq.audit'), audit);
    });
    await options.afterCommit?.();
    // The ledger settles the lines; then nothing needs the claims.
    await this.deadLetters.sync();
    await this.deadLetters.release(this.runId);
    return out.results;
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
