export { DeadLetters, deadLetterStats, cellsOf } from './dead-letters.ts';
export type { DeadLetterItem, DeadLetterFilter, DeadLetterState } from './dead-letters.ts';
export { registerDlqCommands } from './cli.ts';
export { resendRequest, writeResendRequest, RESEND_COLUMNS } from './resend-request.ts';
export type { ResendFile, WrittenRequest } from './resend-request.ts';
export { replay, correctionsFromFile, ReplayError, DEFAULT_RATE } from './replay.ts';
export type { ReplayOptions, ReplayReport, ReplayLine } from './replay.ts';
export { purgeSelection, applyPurge } from './purge.ts';
