export { Ledger } from './ledger.ts';
export type { LedgerOptions } from './ledger.ts';
export { LedgerError } from './errors.ts';
export {
  matchStatus,
  matchStatusOf,
  readLedger,
  syncLedger,
  deadLetterStatsOf,
  fileAccountingOf,
  DEAD_LETTER_STATE_SQL,
} from './queries.ts';
export type { FileMatchStatus, DeadLetterStats, FileAccounting } from './queries.ts';
export { rebuildLedger, compareLedgers } from './rebuild.ts';
export type { LedgerDiff, RebuildResult } from './rebuild.ts';
export { registerLedgerCommands } from './cli.ts';
