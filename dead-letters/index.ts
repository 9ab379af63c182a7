// Dead letters: the lines a stage could not take, from the work list (what is open, who did
// what) to getting them back (replay, correction files, re-send requests) or purged.
// The headers a dead letter carries on its topic are wire format: core/topics.
// See docs/dead-letters.md.
export {
  DeadLetters,
  DEAD_LETTER_STATES,
  filterDeadLetters,
  markerOf,
  REPLAYABLE_STATES,
  settlementsOf,
} from './work-list.ts';
export type { DeadLetterFilter, DeadLetterItem, DeadLetterState, Settlement } from './work-list.ts';
export { operator, writeAudit } from './audit.ts';

export { cellsOf } from './inspect.ts';
export { resendRequest, writeResendRequest, RESEND_COLUMNS } from './resend-request.ts';
export type { ResendFile, WrittenRequest } from './resend-request.ts';
export { replay, correctionsFromFile, DEFAULT_RATE } from './replay.ts';
export { DeadLetterError, type DeadLetterErrorCode } from './errors.ts';
export type { ReplayOptions, ReplayReport, ReplayLine } from './replay.ts';
export { purgeSelection, applyPurge } from './purge.ts';
export { correctionFile, parseCorrectionFile } from './correction-file.ts';
export { splitCorrection } from './correction-intake.ts';
export { registerDlqCommands } from './cli.ts';
export { deadLetterRoutes } from './routes.ts';
