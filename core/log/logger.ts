import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs go to stderr so that stdout stays clean for command output
 * (tables, --json) that scripts read.
 */
export function createLogger(level: string, name = 'tallyline'): Logger {
  return pino({ name, level, base: { name } }, pino.destination({ dest: 2, sync: true }));
}
