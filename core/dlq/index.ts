export {
  deadLetterHeaders,
  parseDeadLetterHeaders,
  DEAD_LETTER_HEADERS,
  REPLAY_COUNT_HEADER,
} from './dead-letter.ts';
export type { DeadLetter, DeadLetterStage } from './dead-letter.ts';
export {
  DeadLetters,
  DEAD_LETTER_STATES,
  filterDeadLetters,
  markerOf,
  REPLAYABLE_STATES,
} from './dead-letters.ts';
export type { DeadLetterFilter, DeadLetterItem, DeadLetterState, Settlement } from './dead-letters.ts';
export { auditMessage, operator, writeAudit } from './audit.ts';
export type { AuditAction, AuditRecord } from './audit.ts';
