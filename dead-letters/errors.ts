import { TallylineError, type ErrorKind } from '../core/errors/index.ts';

// The dead-letter component's coded errors: a replay or correction the operator asked for
// that cannot be done as asked, a filter that is not one, a dead letter not there (or not
// the caller's: told alike).
export type DeadLetterErrorCode =
  | 'NOT_REPLAYABLE'
  | 'UNKNOWN_LINE'
  | 'BAD_CORRECTIONS'
  | 'IN_PROGRESS'
  | 'BAD_FILTER'
  | 'NO_SUCH_DEAD_LETTER';

export class DeadLetterError extends TallylineError<DeadLetterErrorCode> {
  static override readonly kinds: Record<DeadLetterErrorCode, ErrorKind> = {
    NOT_REPLAYABLE: 'conflict',
    UNKNOWN_LINE: 'not-found',
    BAD_CORRECTIONS: 'invalid',
    IN_PROGRESS: 'conflict',
    BAD_FILTER: 'invalid',
    NO_SUCH_DEAD_LETTER: 'not-found',
  };
}

/** Lines another replay run holds: nothing of this run was published. */
export function replayInProgress(held: { lineId: string; by: string }[]): DeadLetterError {
  const shown = held
    .slice(0, 5)
    .map((h) => `${h.lineId} (${h.by})`)
    .join(', ');
  return new DeadLetterError(
    'IN_PROGRESS',
    `${held.length} line(s) are being replayed by another run: ${shown}${held.length > 5 ? ', …' : ''}`,
  );
}
