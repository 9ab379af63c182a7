import { DeadLetterError } from './errors.ts';
import { DEAD_LETTER_STATES, type DeadLetterFilter, type DeadLetterState } from './work-list.ts';

/** The filters of `dlq list`, `replay` and `purge`, as their options name them (CLI and API alike). */
export interface FilterOptions {
  file?: string;
  sender?: string;
  stage?: string;
  error?: string;
  since?: string;
  state?: string;
}

/** The work-list filter the options ask for; a bad time or state is a BAD_FILTER (exit 2, HTTP 400). */
export function deadLetterFilter(opts: FilterOptions): DeadLetterFilter {
  const filter: DeadLetterFilter = {};
  if (opts.file) filter.fileId = opts.file;
  if (opts.sender) filter.sender = opts.sender;
  if (opts.stage) filter.stage = opts.stage;
  if (opts.error) filter.errorClass = opts.error.toUpperCase();
  if (opts.since) {
    const since = new Date(opts.since);
    if (Number.isNaN(since.getTime()))
      throw new DeadLetterError(
        'BAD_FILTER',
        `since ${opts.since}: not a date or time (e.g. 2026-11-01 or 2026-11-01T12:00Z)`,
      );
    filter.since = since;
  }
  if (opts.state) {
    if (!DEAD_LETTER_STATES.includes(opts.state as DeadLetterState))
      throw new DeadLetterError('BAD_FILTER', `state ${opts.state}: one of ${DEAD_LETTER_STATES.join(', ')}`);
    filter.state = opts.state as DeadLetterState;
  }
  return filter;
}
