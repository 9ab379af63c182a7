import {
  deadLetterHeaders,
  REPLAY_COUNT_HEADER,
  type DeadLetterItem,
  type DeadLetters,
} from '../../core/dlq/index.ts';
import type { OutgoingMessage } from '../../core/kafka/index.ts';
import type { FileRecord } from '../files/file-store.ts';
import type { IngestRuntime } from '../runtime.ts';
import { parseFile, type LineOutcome } from '../split/parse.ts';
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

/**
 * Publishes the planned replays and settles the dead letters: a line that passes goes to
 * usage.lines under its original lineId and is resolved; one that fails again gets a new
 * dead letter (attempt + 1), or goes to usage.lines.parked once it has failed `maxReplays`
 * replays. The original file's accounting counts the lines resolved as `corrected`.
 */
export async function applyReplay(
  rt: IngestRuntime,
  deadLetters: DeadLetters,
  planned: PlannedReplay[],
  options: { maxReplays: number },
): Promise<Map<string, ReplayResult>> {
  const usage: OutgoingMessage[] = [];
  const dead: OutgoingMessage[] = [];
  const parked: OutgoingMessage[] = [];
  const results = new Map<string, ReplayResult>();
  const settled: Record<'resolved' | 'replayed' | 'parked' | 'open', DeadLetterItem[]> = {
    resolved: [],
    replayed: [],
    parked: [],
    open: [],
  };
  const now = new Date();
  for (const p of planned) {
    const { item, outcome } = p;
    const count = String(item.replays + 1);
    const result = expectedResult(p, options.maxReplays);
    results.set(item.lineId, result);
    if (!outcome) {
      usage.push({ key: item.lineId, value: item.raw, headers: { [REPLAY_COUNT_HEADER]: count } });
      settled.replayed.push(item);
    } else if (outcome.kind === 'usage') {
      usage.push({
        key: item.lineId,
        value: rt.usageSerde.encode(outcome.value),
        headers: { [REPLAY_COUNT_HEADER]: count },
      });
      settled.resolved.push(item);
    } else if (outcome.kind === 'context') {
      settled.resolved.push(item); // a corrected resource/release/summary line: nothing to emit
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
        parked.push(message);
        settled.parked.push(item);
      } else {
        dead.push(message);
        settled.open.push(item); // the new record supersedes this one
      }
    }
  }
  const producer = await rt.producer();
  if (usage.length) await producer.send(rt.topic('usage.lines'), usage);
  if (dead.length) await producer.send(rt.topic('usage.lines.dlq'), dead);
  if (parked.length) await producer.send(rt.topic('usage.lines.parked'), parked);
  await deadLetters.countReplays(planned.map((p) => p.item.lineId));
  for (const [state, items] of Object.entries(settled))
    await deadLetters.settle(items, state as keyof typeof settled);
  await countCorrected(rt, settled.resolved);
  return results;
}

async function countCorrected(rt: IngestRuntime, resolved: DeadLetterItem[]): Promise<void> {
  const byFile = new Map<string, number>();
  for (const d of resolved) byFile.set(d.fileId, (byFile.get(d.fileId) ?? 0) + 1);
  for (const [fileId, n] of byFile) {
    const record = await rt.files.get(fileId);
    if (record) await rt.files.update(fileId, { corrected: (record.corrected ?? 0) + n });
  }
}
