import { deadLetterHeaders } from '../../core/topics/index.ts';
import type { OutgoingMessage, TransactionalProducer } from '../../core/kafka/index.ts';
import type { FieldEncoder } from '../../core/registry/index.ts';
import type { FileEvent } from '../../core/schemas/index.ts';
import { fileEvent } from '../files/file-events.ts';
import type { FileRecord } from '../files/file-store.ts';
import type { IngestRuntime } from '../runtime.ts';
import { openContent } from './content.ts';
import { parseFile, type LineOutcome, type ParseSummary } from './parse-file.ts';
import type { DeadOutcome, UsageOutcome } from '../dsr/index.ts';
import { fitDeadLetter, recordLimits, usageTooLarge, type RecordLimits } from './record-size.ts';
import { UnrecoverableError } from './queue.ts';

// Splitting one file: every line becomes a usage event, a dead letter or a context line.
//
// Resumable and exactly-once: events are written in Kafka transactions of `batchLines`
// lines, and each transaction also commits, as the consumer-group offset of a group named
// after the file, the number of the last line it covers (the checkpoint). A worker killed
// mid-file leaves at most one open transaction, which Kafka aborts when the next worker
// opens the file's transactional producer; that worker reads the checkpoint, parses the file
// again from the start (parsing is cheap and the parser's state depends on what came
// before) and publishes only the lines after it. A second checkpoint partition marks the
// file done, so a worker killed after the last commit publishes nothing twice either.
// Consumers read with read_committed (the Kafka module's default).

const LINES = 0;
const DONE = 1;

export type SplitOutcome = 'split' | 'rejected' | 'already-done';

export interface SplitProgress {
  lines: number;
  percent: number;
}

export function checkpointGroup(rt: IngestRuntime, fileId: string): string {
  return `${rt.config.kafka.topicPrefix}tallyline.split.${fileId}`;
}

async function readCheckpoint(rt: IngestRuntime, fileId: string): Promise<{ line: number; done: boolean }> {
  const admin = await rt.kafka.admin();
  try {
    const offsets = await admin.groupOffsets(checkpointGroup(rt, fileId), rt.topic('usage.files'));
    const at = (p: number) => Number(offsets.find((o) => o.partition === p)?.offset ?? -1);
    return { line: Math.max(0, at(LINES)), done: at(DONE) === 1 };
  } finally {
    await admin.disconnect();
  }
}

/**
 * Splits a correction file (the dead-letter component's business, handed in by the
 * composition so that ingest does not depend on it).
 */
export type CorrectionSplitter = (rt: IngestRuntime, record: FileRecord) => Promise<'split' | 'rejected'>;

export async function splitFile(
  rt: IngestRuntime,
  fileId: string,
  onProgress: (p: SplitProgress) => Promise<void> = async () => undefined,
  splitCorrection?: CorrectionSplitter,
): Promise<SplitOutcome> {
  const record = await rt.files.get(fileId);
  if (!record) throw new Error(`no file ${fileId} in the file store`);
  if (record.state === 'split' || record.state === 'rejected') return 'already-done';
  if (record.format === 'CORRECTION') {
    if (!splitCorrection)
      throw new UnrecoverableError(
        `file ${fileId} is a correction file, and this split worker was started without the dead-letter component: run \`tallyline serve\``,
      );
    return splitCorrection(rt, record);
  }
  if (!(await rt.landing.exists(record.landingKey))) {
    // Retrying cannot bring the content back: fail now, with the reason.
    throw new UnrecoverableError(`the landing store has no content ${record.landingKey} for file ${fileId}`);
  }

  const group = checkpointGroup(rt, fileId);
  // Started first, so that the engine's start (a JVM for the JVM engine: seconds) overlaps
  // reading the checkpoint and parsing the first batches. The try's finally closes it.
  const producerStarting = rt.kafka.transactionalProducer(group);
  producerStarting.catch(() => undefined); // awaited by the first commit and the finally
  // Commits under way, oldest first.
  const inFlight: Promise<void>[] = [];
  try {
    return await splitContent(rt, record, group, producerStarting, inFlight, onProgress);
  } finally {
    // After a failed commit, the ones behind it end (aborted) before the producer closes.
    await Promise.allSettled(inFlight);
    await (await producerStarting.catch(() => null))?.disconnect();
  }
}

/**
 * Parses the file and commits it batch by batch. Longer than most functions here on purpose:
 * the checkpoint, the pending batch and the commits in flight are one piece of state that
 * the commit closure and the read loop share; cut apart, they would travel as a bag of
 * mutable fields.
 */
async function splitContent(
  rt: IngestRuntime,
  record: FileRecord,
  group: string,
  producerStarting: Promise<TransactionalProducer>,
  inFlight: Promise<void>[],
  onProgress: (p: SplitProgress) => Promise<void>,
): Promise<SplitOutcome> {
  const fileId = record.fileId;
  const checkpoint = await readCheckpoint(rt, fileId);
  const filesTopic = rt.topic('usage.files');
  const startedAt = record.startedAt ?? new Date().toISOString();
  await rt.files.update(fileId, { state: 'splitting', startedAt });

  let bytes = 0;
  const source = openContent(rt, record, (n) => (bytes += n));
  const percent = () => Math.min(100, Math.round((bytes / Math.max(record.contentBytes, 1)) * 1000) / 10);
  const pending = new Batch(rt, record);
  let started = checkpoint.line > 0;
  let committedAny = checkpoint.line > 0;
  let lastLine = 0;
  // Progress is written after each commit, in commit order (the file store reads, then writes).
  let reported: Promise<void> = Promise.resolve();

  // The checkpoint was read while the producer started, to parse meanwhile; it is final only
  // once the producer is open, since opening it fences an earlier worker of this file (one
  // whose lock lapsed, or whose bridge outlived it), aborting its transaction or letting its
  // commit finish. Had that worker committed in between, what was parsed is stale: the job
  // fails before publishing anything and is retried.
  let ready: Promise<TransactionalProducer> | null = null;
  const producerReady = () =>
    (ready ??= (async () => {
      const producer = await producerStarting;
      const final = await readCheckpoint(rt, fileId);
      if (final.line !== checkpoint.line || final.done !== checkpoint.done) {
        throw new Error(
          `file ${fileId}: its checkpoint moved from line ${checkpoint.line} to ${final.line} while this worker started (an earlier worker was still committing); retrying`,
        );
      }
      return producer;
    })());

  // Commits one batch. What it covers is taken synchronously, so the next batch can be
  // parsed and encoded while this one is on its way to the broker.
  const commit = async (events: FileEvent[], done = false) => {
    const lines = pending.take();
    const upTo = lastLine;
    const first = !started;
    started = true;
    const producer = await producerReady();
    await producer.transaction(async (tx) => {
      if (first)
        await tx.send(filesTopic, [
          rt.fileEvents.message(fileEvent(record, 'SPLIT_STARTED', { at: new Date(startedAt) })),
        ]);
      if (lines.usage.length) await tx.send(rt.topic('usage.lines'), lines.usage);
      if (lines.dead.length) await tx.send(rt.topic('usage.lines.dlq'), lines.dead);
      if (events.length)
        await tx.send(
          filesTopic,
          events.map((e) => rt.fileEvents.message(e)),
        );
      const offsets = [{ partition: LINES, offset: String(upTo) }];
      if (done) offsets.push({ partition: DONE, offset: '1' });
      await tx.sendOffsets(group, filesTopic, offsets);
    });
    committedAny = true;
    const progress = { lines: upTo, percent: percent() };
    reported = reported.then(async () => {
      await rt.files.update(fileId, { progress });
      await onProgress(progress);
    });
    await reported;
  };
  // The JVM engine takes a transaction while the one before it commits (jvm-producer.ts), and
  // commits them in order, the second only if the first did: the next batch is on its way to
  // the bridge meanwhile, instead of the parser waiting for each commit. KafkaJS takes one
  // transaction at a time. (Known before the producer is: commits wait for it to start.)
  const overlap = rt.config.kafka.producerEngine === 'jvm' ? 2 : 1;
  const batches = parseFile(record.format, source, {
    fileId,
    sender: record.sender,
    fileName: record.fileName,
    config: rt.config,
    ...(rt.csvMappings.has(record.sender) ? { csvMapping: rt.csvMappings.get(record.sender)! } : {}),
  });
  let summary: ParseSummary;
  for (;;) {
    const next = await batches.next();
    if (next.done) {
      summary = next.value;
      break;
    }
    for (const outcome of next.value) {
      // Lines published before are measured still: their count of events too large to send.
      if (checkpoint.done || outcome.lineNumber <= checkpoint.line) {
        pending.measure(outcome);
        continue;
      }
      lastLine = outcome.lineNumber;
      pending.add(outcome);
    }
    if (pending.lines >= rt.config.ingest.batchLines) {
      while (inFlight.length >= overlap) await inFlight.shift();
      const committing = commit([]);
      committing.catch(() => undefined); // awaited (and so thrown) at a later batch or the end
      inFlight.push(committing);
    }
  }
  while (inFlight.length > 0) await inFlight.shift();

  return completeSplit(
    rt,
    record,
    pending.recount(summary),
    { lastLine, committedAny, resumedDone: checkpoint.done },
    commit,
    onProgress,
  );
}

/**
 * The end of a split: a file refused before any commit is rejected with nothing published;
 * one given up after a commit is rejected with what was published (givenUp); otherwise its
 * summary (counts, footer check, systemic warning) is committed with the last batch and
 * recorded.
 */
async function completeSplit(
  rt: IngestRuntime,
  record: FileRecord,
  summary: ParseSummary,
  at: { lastLine: number; committedAny: boolean; resumedDone: boolean },
  commit: (events: FileEvent[], done: boolean) => Promise<void>,
  onProgress: (p: SplitProgress) => Promise<void>,
): Promise<SplitOutcome> {
  const { fileId } = record;
  const { lastLine, committedAny } = at;
  if (summary.fileError && !committedAny) {
    const reason = summary.fileError;
    // The row and the event carry one time: the ledger rebuilt from the event agrees.
    const at = new Date();
    await rt.fileEvents.publish(await rt.producer(), fileEvent(record, 'REJECTED', { reason, at }));
    await rt.files.update(fileId, { state: 'rejected', reason, completedAt: at.toISOString() });
    return 'rejected';
  }
  if (summary.fileError) return givenUp(rt, record, summary, lastLine, commit);
  const counts = summary.counts;
  const bad = counts.deadLettered / Math.max(1, counts.emitted + counts.deadLettered);
  const systemic = bad > rt.config.ingest.systemicThreshold;
  const warnings = [...summary.warnings];
  if (systemic) {
    warnings.unshift(
      `systemic: ${(bad * 100).toFixed(1)} % of the data lines were dead-lettered (threshold ${rt.config.ingest.systemicThreshold * 100} %)`,
    );
  }
  const completedAt = new Date();
  const completed = fileEvent(record, 'SPLIT_COMPLETED', {
    at: completedAt,
    counts,
    footerCheck: summary.footerCheck,
    systemic,
    warnings,
  });
  if (!at.resumedDone) await commit([completed], true);
  await rt.files.update(fileId, {
    state: 'split',
    counts,
    footerCheck: summary.footerCheck,
    deadByClass: summary.deadByClass,
    messageId: summary.messageId,
    systemic,
    warnings,
    progress: { lines: counts.lines, percent: 100 },
    completedAt: completedAt.toISOString(),
  });
  await onProgress({ lines: counts.lines, percent: 100 });
  return 'split';
}

/**
 * A file the parser gave up after batches were committed (too many stray quotes in a CSV):
 * those lines are on the topics and stay there, so the file is rejected with exactly the
 * lines read (all published, the last batch with the REJECTED event and the checkpoint) and
 * the parser's reason, which names the first line not read. No done mark: the same file
 * received again (after a mapping fix) goes on after the checkpoint, publishing no line twice.
 */
async function givenUp(
  rt: IngestRuntime,
  record: FileRecord,
  summary: ParseSummary,
  lastLine: number,
  commit: (events: FileEvent[], done: boolean) => Promise<void>,
): Promise<SplitOutcome> {
  const { counts } = summary;
  const reason = `${summary.fileError} The ${counts.lines} lines read, to line ${lastLine}, were published before this was found and are counted (${counts.emitted} usage events, ${counts.deadLettered} dead letters, ${counts.context} context).`;
  const at = new Date();
  await commit([fileEvent(record, 'REJECTED', { reason, at, counts, warnings: summary.warnings })], false);
  await rt.files.update(record.fileId, {
    state: 'rejected',
    reason,
    counts,
    deadByClass: summary.deadByClass,
    warnings: summary.warnings,
    progress: { lines: counts.lines, percent: 100 },
    completedAt: at.toISOString(),
  });
  return 'rejected';
}

/**
 * The encoder of a file's usage lines. The DSR parser hands every usage line of a block the
 * same resource, release and summary objects (ingest/dsr/parser.ts): each is encoded once.
 */
export function usageEncoder(rt: IngestRuntime, format: FileRecord['format']): FieldEncoder<'UsageLine'> {
  return format === 'DSR'
    ? rt.usageSerde.recordEncoder({ shared: ['resources', 'release', 'summary'] })
    : rt.usageSerde.recordEncoder({});
}

/**
 * The lines parsed since the last commit, ready to send, each record measured against the
 * topic's limit (record-size.ts): a usage event too large is sent as a dead letter instead,
 * counted here so that the file's counts say so.
 */
class Batch {
  private usage: OutgoingMessage[] = [];
  private dead: OutgoingMessage[] = [];
  lines = 0;
  /** usage lines dead-lettered as RECORD_TOO_LARGE, in this split's whole parse */
  private tooLarge = 0;
  private readonly encoder: FieldEncoder<'UsageLine'>;
  private readonly limits: RecordLimits;

  constructor(
    rt: IngestRuntime,
    private readonly record: FileRecord,
  ) {
    this.encoder = usageEncoder(rt, record.format);
    this.limits = recordLimits(rt.config);
  }

  add(outcome: LineOutcome): void {
    this.lines++;
    if (outcome.kind === 'usage') {
      const event = this.event(outcome);
      if (event.tooLarge) this.addDead(event.tooLarge);
      else this.usage.push(event.message);
    } else if (outcome.kind === 'dead') this.addDead(outcome);
  }

  /** A line published by an earlier attempt: only counted, if its event is too large. */
  measure(outcome: LineOutcome): void {
    if (outcome.kind === 'usage') this.event(outcome);
  }

  /** The parser's summary with the usage lines sent as RECORD_TOO_LARGE counted as dead. */
  recount(summary: ParseSummary): ParseSummary {
    if (this.tooLarge === 0) return summary;
    const c = summary.counts;
    const byClass = summary.deadByClass;
    return {
      ...summary,
      counts: { ...c, emitted: c.emitted - this.tooLarge, deadLettered: c.deadLettered + this.tooLarge },
      deadByClass: { ...byClass, RECORD_TOO_LARGE: (byClass.RECORD_TOO_LARGE ?? 0) + this.tooLarge },
    };
  }

  private event(outcome: UsageOutcome): { message: OutgoingMessage; tooLarge: DeadOutcome | null } {
    const message = { key: outcome.value.lineId, value: this.encoder.encode(outcome.value) };
    const tooLarge = usageTooLarge(outcome, message, this.limits);
    if (tooLarge) this.tooLarge++;
    return { message, tooLarge };
  }

  private addDead(outcome: DeadOutcome): void {
    const now = new Date();
    const lineId = `${this.record.fileId}:${outcome.lineNumber}`;
    const headers = deadLetterHeaders({
      lineId,
      fileId: this.record.fileId,
      lineNumber: outcome.lineNumber,
      stage: outcome.stage,
      errorClass: outcome.errorClass,
      message: outcome.message,
      sender: this.record.sender,
      fileName: this.record.fileName,
      ...(outcome.recordType !== undefined ? { recordType: outcome.recordType } : {}),
      ...(outcome.cell !== undefined ? { cell: outcome.cell } : {}),
      ...(outcome.rootCauseLine !== undefined ? { rootCauseLine: outcome.rootCauseLine } : {}),
      byteOffset: outcome.byteOffset,
      attempt: 1,
      firstFailure: now,
      lastFailure: now,
    });
    const message = { key: lineId, value: outcome.bytes, headers };
    this.dead.push(fitDeadLetter(message, outcome, this.record.landingKey, this.limits));
  }

  take(): { usage: OutgoingMessage[]; dead: OutgoingMessage[] } {
    const out = { usage: this.usage, dead: this.dead };
    this.usage = [];
    this.dead = [];
    this.lines = 0;
    return out;
  }
}
