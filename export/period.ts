// Export periods: a month (2026-11) or a quarter (2026-Q4). A line belongs to the period
// its usage starts in (periodStart, else periodEnd).

import { ExportError } from './errors.ts';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;

export function parsePeriod(text: string): string {
  if (!MONTH.test(text) && !QUARTER.test(text))
    throw new ExportError(
      'BAD_PERIOD',
      `not a period: ${JSON.stringify(text)} (expected a month like 2026-11 or a quarter like 2026-Q4)`,
    );
  return text;
}

/** The month a line's usage falls in, `YYYY-MM`, or null when it has no dates. */
export function monthOf(periodStart: string | null, periodEnd: string | null): string | null {
  const date = periodStart ?? periodEnd;
  return date && /^\d{4}-\d{2}/.test(date) ? date.slice(0, 7) : null;
}

export function inPeriod(month: string | null, period: string): boolean {
  if (!month) return false;
  const q = QUARTER.exec(period);
  if (!q) return month === period;
  return month.slice(0, 4) === q[1] && Math.ceil(Number(month.slice(5, 7)) / 3) === Number(q[2]);
}

/** The periods that hold some of the same months: a month's quarter, a quarter's months. */
export function overlappingPeriods(period: string): string[] {
  const q = QUARTER.exec(period);
  if (q) {
    const first = (Number(q[2]) - 1) * 3 + 1;
    return [0, 1, 2].map((i) => `${q[1]}-${String(first + i).padStart(2, '0')}`);
  }
  return [`${period.slice(0, 4)}-Q${Math.ceil(Number(period.slice(5, 7)) / 3)}`];
}

/** A period refused because a month or quarter overlapping it (`exported`) has been exported already. */
export function periodOverlap(period: string, exported: string): ExportError {
  return new ExportError(
    'PERIOD_ALREADY_EXPORTED',
    `cannot export ${period}: ${exported} has been exported already (its files are in the outbox), and a month and its quarter would put the same usage in two statements; export ${exported} again instead`,
  );
}
