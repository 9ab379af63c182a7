export { TOPICS, topicName } from './catalog.ts';
export type { TopicSpec, TopicName } from './catalog.ts';
export { applyTopics } from './apply.ts';
export type { TopicReport, TopicState } from './apply.ts';
export {
  deadLetterHeaders,
  parseDeadLetterHeaders,
  DEAD_LETTER_HEADERS,
  REPLAY_COUNT_HEADER,
} from './dead-letter-headers.ts';
export type { DeadLetter, DeadLetterStage } from './dead-letter-headers.ts';
export { auditMessage, parseAudit } from './dlq-audit.ts';
export type { AuditAction, AuditRecord, Settlement } from './dlq-audit.ts';
export { accountMessage, parseAccount } from './export-accounts.ts';
export type { AccountRecord, ReportAccount } from './export-accounts.ts';
