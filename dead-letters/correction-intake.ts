import { auditMessage } from '../core/topics/index.ts';
import { DeadLetters, REPLAYABLE_STATES, type DeadLetterItem, type Settlement } from './work-list.ts';
import {
  fileEvent,
  type FileCounts,
  type FileRecord,
  readLandedLines,
  type IngestRuntime,
} from '../ingest/index.ts';
import { correctionTarget } from './correction-target.ts';
import { parseCorrectionFile, type CorrectionError, type CorrectionRow } from './correction-file.ts';
import {
  DEFAULT_MAX_REPLAYS,
  planReplay,
  ReplayRun,
  withOrphans,
  type PlannedReplay,
  type ReplayResult,
} from './replay-run.ts';

// A correction file takes the split worker's place of a report: its rows replace dead lines
// of earlier files of the same sender, which are replayed with them (replay-lines.ts). The
// corrected lines keep their original lineIds. A file with any faulty row (unknown original,
// a line that is not an open dead letter, a malformed row) is refused whole, with each fault
// named, so that nothing is half-applied.
//
// Safe to retry (BullMQ retries a job whose worker died): the replay is a ReplayRun named
// after the correction file, and a line this very file settled before is taken as done, with
// the result it had then, instead of refused as "not an open dead letter".

export interface CorrectionHooks {
  /** tests: a crash right after the replay's Kafka transaction */
  afterCommit?: () => Promise<void>;
}

export async function splitCorrection(
  rt: IngestRuntime,
  record: FileRecord,
  hooks: CorrectionHooks = {},
): Promise<'split' | 'rejected'> {
  const dead = DeadLetters.of(rt);
  const run = await ReplayRun.open(rt, dead, `correction.${record.fileId}`);
  try {
    return await splitWith(rt, record, dead, run, hooks);
  } finally {
    await run.close();
    await dead.close();
  }
}

/** The dead lines a correction file's rows point at, or the rows' errors. */
interface CorrectionTargets {
  targets: DeadLetterItem[];
  /** the corrected bytes, by line id */
  replace: Map<string, Buffer>;
  /** every dead letter of each file the rows correct, by file id */
  originals: Map<string, DeadLetterItem[]>;
  /** lines an earlier attempt of this file settled, with their result then */
  earlier: Map<string, ReplayResult>;
}

async function splitWith(
  rt: IngestRuntime,
  record: FileRecord,
  dead: DeadLetters,
  run: ReplayRun,
  hooks: CorrectionHooks,
): Promise<'split' | 'rejected'> {
  const startedAt = record.startedAt ? new Date(record.startedAt) : new Date();
  await rt.fileEvents.publish(await rt.producer(), fileEvent(record, 'SPLIT_STARTED', { at: startedAt }));
  await rt.files.update(record.fileId, { state: 'splitting', startedAt: startedAt.toISOString() });
  // a row too long to keep is reported below, and read as a blank row meanwhile
  const { lines, tooLong } = await readLandedLines(rt, record);
  const maxLineBytes = rt.config.ingest.maxLineBytes;

  const { rows, errors } = parseCorrectionFile(lines);
  for (const row of tooLong)
    errors.unshift({ row, cell: 'CorrectedLine', message: `longer than ${maxLineBytes} bytes` });
  if (errors.length) return reject(rt, record, errors);
  const found = await findTargets(rt, record, dead, run, rows, errors);
  if (errors.length) return reject(rt, record, errors);
  const { targets, replace, originals, earlier } = found;

  // Lines orphaned by a corrected resource or release line come back with it. Lines an
  // earlier attempt settled are planned too (their outcome counts below) but not replayed.
  const all = [...originals.values()]
    .flat()
    .filter((d) => REPLAYABLE_STATES.has(d.state) && !earlier.has(d.lineId));
  const planned = await planReplay(rt, withOrphans(all, targets), replace);
  const toReplay = planned.filter((p) => !earlier.has(p.item.lineId));
  // A line another run (a `dlq replay`) holds is not touched: the file is refused, naming it.
  const held = await dead.claim(
    toReplay.map((p) => p.item.lineId),
    run.runId,
  );
  if (held.length) {
    const rowOf = new Map(targets.map((t, i) => [t.lineId, rows[i]!.row]));
    return reject(
      rt,
      record,
      held.map((h) => ({
        row: rowOf.get(h.lineId) ?? 1,
        cell: 'LineNumber',
        message: `${h.lineId} is being replayed by ${h.by}: send the file again later`,
      })),
    );
  }
  const replayed = await run.apply(toReplay, {
    maxReplays: DEFAULT_MAX_REPLAYS,
    audit: (results, settled) =>
      correctionAudit(record, run.runId, [...originals.keys()], toReplay, results, settled),
    ...(hooks.afterCommit ? { afterCommit: hooks.afterCommit } : {}),
  });
  await completeCorrection(rt, record, lines, found, planned, new Map([...earlier, ...replayed]));
  return 'split';
}

/** Finds each row's dead line; a row that points at none gets an error in `errors`. */
async function findTargets(
  rt: IngestRuntime,
  record: FileRecord,
  dead: DeadLetters,
  run: ReplayRun,
  rows: CorrectionRow[],
  errors: CorrectionError[],
): Promise<CorrectionTargets> {
  const found: CorrectionTargets = {
    targets: [],
    replace: new Map(),
    originals: new Map(),
    earlier: new Map(),
  };
  const files = await rt.files.list({ sender: record.sender, limit: 100000 });
  const allDead = await dead.list();
  const settledBy = await dead.settledBy(allDead.map((d) => d.lineId));
  allDead.forEach((d, i) => {
    if (settledBy[i]?.runId === run.runId) found.earlier.set(d.lineId, settledBy[i]!.result as ReplayResult);
  });
  for (const row of rows) {
    const target = correctionTarget(files, record.sender, row);
    if (!target.ok) {
      errors.push({ row: row.row, cell: target.cell, message: target.message });
      continue;
    }
    const original = target.file;
    if (!found.originals.has(original.fileId))
      found.originals.set(
        original.fileId,
        allDead.filter((d) => d.fileId === original.fileId),
      );
    const item = found.originals.get(original.fileId)!.find((d) => d.lineNumber === row.lineNumber);
    if (!item || !(REPLAYABLE_STATES.has(item.state) || found.earlier.has(item.lineId))) {
      errors.push({
        row: row.row,
        cell: 'LineNumber',
        message: `line ${row.lineNumber} of ${original.fileName} is ${item ? `a dead letter in state ${item.state}` : 'not a dead letter'}: nothing to correct`,
      });
      continue;
    }
    found.targets.push(item);
    found.replace.set(item.lineId, row.correctedLine);
  }
  return found;
}

/** How many lines had each result. */
function tallyOf(results: Map<string, ReplayResult>, ids: string[]): Partial<Record<ReplayResult, number>> {
  const out: Partial<Record<ReplayResult, number>> = {};
  for (const id of ids) out[results.get(id)!] = (out[results.get(id)!] ?? 0) + 1;
  return out;
}

/** One audit record per corrected file: who corrected which lines, with what result. */
function correctionAudit(
  record: FileRecord,
  runId: string,
  fileIds: string[],
  toReplay: PlannedReplay[],
  results: Map<string, ReplayResult>,
  settled: Settlement[],
) {
  return fileIds.flatMap((fileId) => {
    const lineIds = toReplay.filter((p) => p.item.fileId === fileId).map((p) => p.item.lineId);
    if (lineIds.length === 0) return [];
    return [
      auditMessage(
        {
          action: 'correction',
          by: `sender:${record.sender}`,
          runId,
          scope: { correctionFileId: record.fileId, correctionFileName: record.fileName, fileId },
          lineIds,
          result: tallyOf(results, lineIds),
          settled: settled.filter((s) => s.fileId === fileId),
        },
        fileId,
      ),
    ];
  });
}

/** The correction file's own accounting and warnings, published and recorded: it is split. */
async function completeCorrection(
  rt: IngestRuntime,
  record: FileRecord,
  lines: Buffer[],
  { targets, originals }: CorrectionTargets,
  planned: PlannedReplay[],
  results: Map<string, ReplayResult>,
): Promise<void> {
  const tally = (ids: string[]) => tallyOf(results, ids);
  const producer = await rt.producer();
  // each line counted where it went
  const counts = correctionCounts(
    lines.length,
    lines.slice(1).filter((l) => l.length === 0).length,
    targets.map((t) => ({
      result: results.get(t.lineId)!,
      kind: planned.find((p) => p.item === t)?.outcome?.kind,
    })),
  );
  const orphans = planned.length - targets.length;
  const warnings = [
    `corrects ${targets.length} line(s) of ${[...originals.keys()].join(', ')}: ${JSON.stringify(tally(targets.map((t) => t.lineId)))}`,
    ...(orphans
      ? [
          `${orphans} line(s) orphaned by corrected lines replayed with them: ${JSON.stringify(tally(planned.slice(targets.length).map((p) => p.item.lineId)))}`,
        ]
      : []),
  ];
  // FileEvent's LineCounts has no parked field (a schema version for later): there, parked
  // rows are left out and named in a warning.
  const { parked, ...eventCounts } = counts;
  if (parked) warnings.push(`${parked} row(s) failed again for the last time: parked on usage.lines.parked`);
  const at = new Date();
  await rt.fileEvents.publish(
    producer,
    fileEvent(record, 'SPLIT_COMPLETED', { counts: eventCounts, warnings, at }),
  );
  await rt.files.update(record.fileId, {
    state: 'split',
    counts,
    warnings,
    progress: { lines: lines.length, percent: 100 },
    completedAt: at.toISOString(),
  });
}

/**
 * A correction file's counts, each line where it went: the header and blank rows are
 * context; a row whose line now passes is emitted (a usage line, or a match-stage line
 * handed back) or context (a resource/release line); one that fails again is dead-lettered,
 * or parked at its last replay. lines == emitted + deadLettered + parked + context, else a bug.
 */
export function correctionCounts(
  lines: number,
  blankRows: number,
  rows: { result: ReplayResult; kind?: 'usage' | 'context' | 'dead' | undefined }[],
): FileCounts {
  const counts = { lines, emitted: 0, deadLettered: 0, parked: 0, context: 1 + blankRows };
  for (const { result, kind } of rows) {
    if (result === 'replayed' || (result === 'resolved' && kind === 'usage')) counts.emitted++;
    else if (result === 'resolved') counts.context++;
    else if (result === 'failed-again') counts.deadLettered++;
    else counts.parked++;
  }
  const sum = counts.emitted + counts.deadLettered + counts.parked + counts.context;
  if (sum !== lines) throw new Error(`correction file counts do not balance: ${JSON.stringify(counts)}`);
  return counts;
}

async function reject(rt: IngestRuntime, record: FileRecord, errors: CorrectionError[]): Promise<'rejected'> {
  const named = errors.map((e) => `line ${e.row}${e.cell ? `, cell ${e.cell}` : ''}: ${e.message}`);
  const reason = `correction file ${record.fileName}: ${named.slice(0, 10).join('; ')}${named.length > 10 ? `; … ${named.length - 10} more` : ''}`;
  const at = new Date();
  await rt.fileEvents.publish(await rt.producer(), fileEvent(record, 'REJECTED', { reason, at }));
  await rt.files.update(record.fileId, { state: 'rejected', reason, completedAt: at.toISOString() });
  return 'rejected';
}
