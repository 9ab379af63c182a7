import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { auditMessage } from '../core/topics/index.ts';
import {
  filterDeadLetters,
  REPLAYABLE_STATES,
  type DeadLetterFilter,
  type DeadLetterItem,
  type DeadLetters,
} from './work-list.ts';
import { deadLetterFilter, type FilterOptions } from './filter.ts';
import {
  DEFAULT_MAX_REPLAYS,
  expectedResult,
  planReplay,
  ReplayRun,
  withOrphans,
  type PlannedReplay,
  type ReplayResult,
} from './replay-run.ts';
import { parseCorrectionFile } from './correction-file.ts';
import { correctionTarget } from './correction-target.ts';
import type { IngestRuntime } from '../ingest/index.ts';
import { DeadLetterError } from './errors.ts';

// `dlq replay`: select dead letters like `dlq list`, show what a replay would do (dry run),
// or do it (--apply) in rate-limited batches. Each batch is a ReplayRun batch (published
// with its audit record in one Kafka transaction, then settled in Redis), and the run is
// named after its arguments: an interrupted run started again settles or redoes its last
// batch and skips what it did. A finished run forgets its progress; resolved lines are
// never selected again.

export const DEFAULT_RATE = 100;

export interface ReplayOptions {
  filter: DeadLetterFilter;
  apply: boolean;
  maxReplays: number;
  /** lines per second */
  rate: number;
  /** --with-file: corrected lines by lineId; only those lines (and their orphans) are replayed */
  corrections?: ReadonlyMap<string, Buffer>;
  /** who asks, for the audit record */
  by: string;
  onBatch?: (done: number, total: number) => void;
  /** tests: a crash after a batch's Kafka transaction, before Redis is settled */
  afterCommit?: () => Promise<void>;
}

export interface ReplayLine {
  lineId: string;
  stage: string;
  errorClass: string;
  replays: number;
  /** what the line is now: usage, context, or the error class it fails with (match: not known) */
  now: string;
  result: ReplayResult | 'skipped';
}

export interface ReplayReport {
  applied: boolean;
  lines: ReplayLine[];
  /** the selected lines by error class */
  byReason: Record<string, number>;
  results: Partial<Record<ReplayResult | 'skipped', number>>;
  /** lines an interrupted earlier run with the same arguments had done */
  resumed: number;
}

/**
 * The run's name (for its claims, transaction and settlements), from its arguments: the same
 * command after an interruption resumes the run; after a run that finished, it is a new one.
 */
async function runOf(rt: IngestRuntime, options: ReplayOptions, apply: boolean): Promise<string> {
  const key = createHash('sha256')
    .update(JSON.stringify([options.filter, options.maxReplays, [...(options.corrections ?? new Map())]]))
    .digest('hex')
    .slice(0, 24);
  if (!apply) return `replay.${key}`;
  const { rows } = await rt.db.query<{ seq: number }>(
    `INSERT INTO replay_runs (run_key, seq) VALUES ($1, 1)
     ON CONFLICT (run_key) DO UPDATE SET seq = replay_runs.seq + (CASE WHEN replay_runs.finished THEN 1 ELSE 0 END),
       finished = false
     RETURNING seq`,
    [key],
  );
  return `replay.${key}.${rows[0]!.seq}`;
}

async function finished(rt: IngestRuntime, runId: string): Promise<void> {
  await rt.db.query('UPDATE replay_runs SET finished = true WHERE run_key = $1', [runId.split('.')[1]]);
}

function histogram(items: { errorClass: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of items) out[d.errorClass] = (out[d.errorClass] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
}

/** The dead letters a replay acts on: the filter's replayable ones, or the corrected ones. */
function select(all: DeadLetterItem[], options: ReplayOptions): DeadLetterItem[] {
  const { filter, corrections } = options;
  if (filter.state && !REPLAYABLE_STATES.has(filter.state))
    throw new DeadLetterError(
      'NOT_REPLAYABLE',
      `--state ${filter.state}: only open and requested lines are replayed`,
    );
  // Export-stage dead letters (none are written yet) would not go back to usage.lines.
  const replayable = all.filter((d) => REPLAYABLE_STATES.has(d.state) && d.stage !== 'export');
  let selected = filterDeadLetters(replayable, filter);
  if (corrections) {
    const byId = new Map(all.map((d) => [d.lineId, d]));
    for (const lineId of corrections.keys()) {
      // A line resolved since (by this very file, say) is left alone; a line that never
      // failed cannot be corrected.
      if (!byId.has(lineId))
        throw new DeadLetterError('UNKNOWN_LINE', `${lineId}: not a dead letter, nothing to correct`);
    }
    selected = selected.filter((d) => corrections.has(d.lineId));
  }
  // A resource or release line comes back with the usage lines it orphaned.
  return withOrphans(replayable, selected);
}

const nowOf = (p: PlannedReplay) =>
  !p.outcome ? '(matcher)' : p.outcome.kind === 'dead' ? p.outcome.errorClass : p.outcome.kind;

export async function replay(
  rt: IngestRuntime,
  deadLetters: DeadLetters,
  options: ReplayOptions,
): Promise<ReplayReport> {
  const runId = await runOf(rt, options, options.apply);
  const run = options.apply ? await ReplayRun.open(rt, deadLetters, runId) : null;
  try {
    return await replayWith(rt, deadLetters, options, run);
  } finally {
    await run?.close();
  }
}

async function replayWith(
  rt: IngestRuntime,
  deadLetters: DeadLetters,
  options: ReplayOptions,
  run: ReplayRun | null,
): Promise<ReplayReport> {
  const selected = select(await deadLetters.list(), options);
  const planned = await planReplay(rt, selected, options.corrections);
  // What an interrupted run with these arguments did already (the ledger's settlements).
  const done = run ? await deadLetters.settledByRun(run.runId) : new Set<string>();
  const lines: ReplayLine[] = planned.map((p) => ({
    lineId: p.item.lineId,
    stage: p.item.stage,
    errorClass: p.item.errorClass,
    replays: p.item.replays,
    now: nowOf(p),
    result: done.has(p.item.lineId) ? 'skipped' : expectedResult(p, options.maxReplays),
  }));
  const report = (): ReplayReport => {
    const results: ReplayReport['results'] = {};
    for (const l of lines) results[l.result] = (results[l.result] ?? 0) + 1;
    return { applied: options.apply, lines, byReason: histogram(selected), results, resumed: done.size };
  };
  if (!run) return report();

  const todo = planned.filter((p) => !done.has(p.item.lineId));
  const batchSize = Math.max(1, Math.min(500, Math.floor(options.rate)));
  for (let i = 0; i < todo.length; i += batchSize) {
    const started = Date.now();
    const batch = todo.slice(i, i + batchSize);
    const lineIds = batch.map((p) => p.item.lineId);
    const results = await run.apply(batch, {
      maxReplays: options.maxReplays,
      audit: (results, settled) => {
        const counts: Record<string, number> = {};
        for (const r of results.values()) counts[r] = (counts[r] ?? 0) + 1;
        return [
          auditMessage({
            action: 'replay',
            by: options.by,
            scope: {
              filter: options.filter,
              maxReplays: options.maxReplays,
              ...(options.corrections ? { corrections: options.corrections.size } : {}),
            },
            runId: run.runId,
            lineIds,
            result: counts,
            settled,
          }),
        ];
      },
      ...(options.afterCommit ? { afterCommit: options.afterCommit } : {}),
    });
    for (const l of lines) if (results.has(l.lineId)) l.result = results.get(l.lineId)!;
    options.onBatch?.(i + batch.length, todo.length);
    const wait = (batch.length / options.rate) * 1000 - (Date.now() - started);
    if (wait > 0 && i + batchSize < todo.length) await sleep(wait);
  }
  await finished(rt, run.runId);
  await deadLetters.release(run.runId);
  return report();
}

/**
 * `--with-file`: a correction file (ingest/corrections/correction-file.ts) of `sender` as
 * corrected lines by lineId. Each row's original is found as correction intake finds it
 * (correction-target.ts): only the sender's split files; FileId wins;
 * a name must name one file.
 */
export async function correctionsFromFile(
  rt: IngestRuntime,
  content: Buffer,
  path: string,
  sender: string | undefined,
): Promise<Map<string, Buffer>> {
  if (!sender)
    throw new DeadLetterError(
      'BAD_CORRECTIONS',
      `${path}: --with-file needs --sender: a sender's corrections only target that sender's files`,
    );
  const lines = content.toString('latin1').split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const { rows, errors } = parseCorrectionFile(lines.map((l) => Buffer.from(l, 'latin1')));
  const fault = (row: number, cell: string | null, message: string) =>
    new DeadLetterError('BAD_CORRECTIONS', `${path}: line ${row}${cell ? `, cell ${cell}` : ''}: ${message}`);
  if (errors.length) throw fault(errors[0]!.row, errors[0]!.cell, errors[0]!.message);
  const files = await rt.files.list({ sender, limit: 100000 });
  const out = new Map<string, Buffer>();
  for (const row of rows) {
    const target = correctionTarget(files, sender, row);
    if (!target.ok) throw fault(row.row, target.cell, target.message);
    out.set(`${target.file.fileId}:${row.lineNumber}`, row.correctedLine);
  }
  return out;
}

/** What `dlq replay` and `POST /v1/dead-letters/replay` ask for, by the CLI's option names. */
export type ReplayAsk = FilterOptions & { apply?: boolean; maxReplays?: number; rate?: number };

/** A replay as the CLI or the API asks for it: dry run unless `apply`. */
export function replayAsked(
  rt: IngestRuntime,
  deadLetters: DeadLetters,
  ask: ReplayAsk,
  how: Pick<ReplayOptions, 'by' | 'corrections' | 'onBatch'>,
): Promise<ReplayReport> {
  return replay(rt, deadLetters, {
    filter: deadLetterFilter(ask),
    apply: !!ask.apply,
    maxReplays: ask.maxReplays ?? DEFAULT_MAX_REPLAYS,
    rate: ask.rate ?? DEFAULT_RATE,
    ...how,
  });
}
