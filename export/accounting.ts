// Each report's accounting for a period: its lines decided or not, and per currency where
// its money went, so that reported = allocated + unallocated + unmatched + pending + not
// valued, to the cent.
import type { LineFacts } from './input.ts';
import { cmp } from './sort.ts';
import type { FileValuation } from './valuation.ts';

/** Per report and currency: where its money went. reported = the rest added up. */
export interface MoneyAccount {
  currency: string;
  /** summary net revenue, plus the price-valued lines */
  reported: bigint;
  /** to rights holders in the statements */
  allocated: bigint;
  /** shares that do not add up to 100 %, writers without a society */
  unallocated: bigint;
  unmatched: bigint;
  /** lines on usage.lines the matcher has not decided yet */
  pending: bigint;
  /** summary revenue of lines we never received (dead letters, missing lines) */
  notValued: bigint;
}

export interface FileAccount {
  fileId: string;
  sender: string;
  lines: number;
  usages: number;
  matchedLines: number;
  matchedUsages: number;
  unmatchedLines: number;
  pendingLines: number;
  deadAtMatch: number;
  money: MoneyAccount[];
  unvaluable: { lineId: string; reason: string }[];
}

/** reported − (allocated + unallocated + unmatched + pending + notValued): 0 when it adds up. */
export function moneyGap(a: MoneyAccount): bigint {
  return a.reported - a.allocated - a.unallocated - a.unmatched - a.pending - a.notValued;
}

/** What a summary record reports within the period (`summariesInPeriod`). */
export interface SummaryInPeriod {
  revenue: bigint;
  usages: number | null;
  notValued: bigint;
}

/**
 * What each summary record reports within the period: a summary whose lines fall in several
 * months counts in each only the values and usages of its lines there; what was never
 * received (not valued, missing usages) counts in the period of its first line, so the
 * periods add up to the summary exactly once.
 */
export function summariesInPeriod(
  lines: readonly LineFacts[],
  valuation: FileValuation,
  inPeriodIds: ReadonlySet<string>,
): Map<string, SummaryInPeriod> {
  const here = new Map<string, { revenue: bigint; usages: number }>();
  for (const l of lines) {
    if (!l.summary) continue;
    const h = here.get(l.summary.key) ?? { revenue: 0n, usages: 0 };
    h.revenue += valuation.values.get(l.lineId) ?? 0n;
    h.usages += l.usages;
    here.set(l.summary.key, h);
  }
  const out = new Map<string, SummaryInPeriod>();
  for (const s of valuation.summaries) {
    const h = here.get(s.summary.key);
    if (!h) continue;
    const home = inPeriodIds.has(s.firstLineId);
    const notValued = home ? (s.total ?? 0n) - s.valued : 0n;
    const declared = s.summary.totalUsages;
    out.set(s.summary.key, {
      revenue: h.revenue + notValued,
      usages: declared === null ? null : h.usages + (home ? Math.max(0, declared - s.usages) : 0),
      notValued,
    });
  }
  return out;
}

/** The accounting of one report in one period, as its lines are counted. */
export class ReportAccounting {
  private readonly money = new Map<string, MoneyAccount>();
  private readonly account: FileAccount;

  constructor(
    report: {
      fileId: string;
      /** the report's lines in the period */
      lines: readonly LineFacts[];
      valuation: FileValuation;
      deadAtMatch: number;
    },
    inPeriodIds: ReadonlySet<string>,
    reportedHere: ReadonlyMap<string, SummaryInPeriod>,
  ) {
    for (const s of report.valuation.summaries) {
      const here = reportedHere.get(s.summary.key);
      if (!here) continue;
      const a = this.of(s.currency ?? '');
      a.reported += here.revenue;
      a.notValued += here.notValued;
    }
    this.account = {
      fileId: report.fileId,
      sender: report.lines[0]!.sender,
      lines: report.lines.length,
      usages: 0,
      matchedLines: 0,
      matchedUsages: 0,
      unmatchedLines: 0,
      pendingLines: 0,
      deadAtMatch: report.deadAtMatch,
      money: [],
      unvaluable: report.valuation.unvaluable.filter((u) => inPeriodIds.has(u.lineId)),
    };
  }

  get sender(): string {
    return this.account.sender;
  }

  private of(currency: string): MoneyAccount {
    let a = this.money.get(currency);
    if (!a) {
      a = {
        currency,
        reported: 0n,
        allocated: 0n,
        unallocated: 0n,
        unmatched: 0n,
        pending: 0n,
        notValued: 0n,
      };
      this.money.set(currency, a);
    }
    return a;
  }

  /** Every line: its usages, and its value when no summary revenue reports it (CSV rows). */
  line(line: LineFacts, currency: string, value: bigint | undefined): void {
    this.account.usages += line.usages;
    if (value !== undefined && !line.summary?.netRevenue) this.of(currency).reported += value;
  }

  /** A line without a match: unmatched, or not decided yet. */
  undecided(currency: string, value: bigint | undefined, unmatched: boolean): void {
    if (unmatched) {
      this.account.unmatchedLines++;
      this.of(currency).unmatched += value ?? 0n;
    } else {
      this.account.pendingLines++;
      this.of(currency).pending += value ?? 0n;
    }
  }

  matched(line: LineFacts): void {
    this.account.matchedLines++;
    this.account.matchedUsages += line.usages;
  }

  /** One part of a matched line: what went to holders, and what no known holder holds. */
  allocate(currency: string, allocated: bigint, unallocated: bigint): void {
    const a = this.of(currency);
    a.allocated += allocated;
    a.unallocated += unallocated;
  }

  /** the account, its money by currency */
  finish(): FileAccount {
    this.account.money = [...this.money.values()].sort((a, b) => cmp(a.currency, b.currency));
    return this.account;
  }
}
