export { DeadLetters, deadLetterStats, cellsOf } from './dead-letters.ts';
export type { DeadLetterItem, DeadLetterFilter, DeadLetterState } from './dead-letters.ts';
export { registerDlqCommands } from './cli.ts';
