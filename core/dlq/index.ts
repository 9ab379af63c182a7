export { deadLetterHeaders, parseDeadLetterHeaders, DEAD_LETTER_HEADERS } from './dead-letter.ts';
export type { DeadLetter, DeadLetterStage } from './dead-letter.ts';
