// Export periods: a month (2026-11) or a quarter (2026-Q4). A line belongs to the period
// its usage starts in (periodStart, else periodEnd).

export class PeriodError extends Error {
  readonly code = 'BAD_PERIOD';
  constructor(readonly text: string) {
    super(`not a period: ${JSON.stringify(text)} (expected a month like 2026-11 or a quarter like 2026-Q4)`);
    this.name = 'PeriodError';
  }
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;

export function parsePeriod(text: string): string {
  if (!MONTH.test(text) && !QUARTER.test(text)) throw new PeriodError(text);
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
