// Ingest: usage reports in, one event per line out. See docs/ingest.md.
export { Intake, classify, fileIdOf, CORRECTION_FILE_NAME } from './intake/intake.ts';
export { IngestError, type IngestErrorCode } from './errors.ts';
export type { IntakeResult } from './intake/intake.ts';
export { IngestRuntime } from './runtime.ts';
export { FileStore } from './files/file-store.ts';
export type {
  FileRecord,
  FileState,
  FileFormat,
  ReportPart,
  FileCounts,
  OutboxEntry,
} from './files/file-store.ts';
export { FileEvents, fileEvent } from './files/file-events.ts';
export { printAccounting, FINAL_STATES } from './files/accounting.ts';
export { LocalLandingStore } from './landing/landing-store.ts';
export type { LandingStore, StoredFile, IntakeLimits } from './landing/landing-store.ts';
export { SplitQueue } from './split/queue.ts';
export { splitFile } from './split/split-file.ts';
export type { CorrectionSplitter } from './split/split-file.ts';
export { reparseLines, readLandedLines } from './split/reparse.ts';
export { fitDeadLetter, recordLimits } from './split/record-size.ts';
export { startSplitWorker } from './split/worker.ts';
export { parseFile } from './split/parse-file.ts';
export type { ParseSummary, LineOutcome } from './split/parse-file.ts';
export { filesRoutes, fileStatus } from './routes.ts';
export { DropFolderWatcher } from './watcher/drop-folder.ts';
export { registerIngestCommands } from './cli.ts';
export type { IngestCommandParts } from './cli.ts';
// The parsers and line reader, for whatever reads a report outside a split (fixtures, benchmarks, dead-letter views).
export { DsrParser, parseDsrFileName, resolveRecord, splitCells } from './dsr/index.ts';
export { parseCsvStream } from './csv/index.ts';
export type { CsvMapping, CsvTargetField } from './csv/index.ts';
export { readLines, readLineBatches } from './lines/index.ts';
export { checkpointGroup, usageEncoder } from './split/split-file.ts';
export type { AccountedFile } from './files/accounting.ts';
