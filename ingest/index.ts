// Ingest: usage reports in, one event per line out. See docs/ingest.md.
export { Intake, IntakeError, classify, fileIdOf } from './intake/intake.ts';
export type { IntakeResult } from './intake/intake.ts';
export { IngestRuntime } from './runtime.ts';
export { FileStore } from './files/file-store.ts';
export type { FileRecord, FileState, FileFormat, ReportPart } from './files/file-store.ts';
export { FileEvents, fileEvent } from './files/file-events.ts';
export { printAccounting, FINAL_STATES } from './files/accounting.ts';
export { LocalLandingStore, LandingError } from './landing/landing-store.ts';
export type { LandingStore, StoredFile, IntakeLimits } from './landing/landing-store.ts';
export { SplitQueue } from './split/queue.ts';
export { splitFile } from './split/split-file.ts';
export { startSplitWorker } from './split/worker.ts';
export { parseFile } from './split/parse-file.ts';
export type { ParseSummary } from './split/parse-file.ts';
export { buildApi } from './api/server.ts';
export { hashKey } from './api/auth.ts';
export { DropFolderWatcher } from './watcher/drop-folder.ts';
export { registerIngestCommands } from './cli.ts';
