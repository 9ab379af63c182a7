// A report's claim: per summary record (and currency) what our rights holders claim, with
// a detail per work, method and claimed share; and the usage dates the claim covers.
import type { MatchMethod } from '../core/schemas/index.ts';
import type { SummaryInPeriod } from './accounting.ts';
import type { LineFacts, MatchFacts } from './input.ts';
import { byKey } from './sort.ts';

export interface ClaimDetail {
  workId: string;
  iswc: string;
  method: MatchMethod;
  /** the share of the work our rights holders hold, basis points */
  shareBasisPoints: number;
  usages: number;
  amount: bigint;
}

export interface ClaimSummary {
  summaryRecordId: string;
  commercialModel: string;
  useType: string;
  territory: string;
  currency: string;
  reportedUsages: number | null;
  reportedRevenue: bigint | null;
  claimedUsages: number;
  claimedAmount: bigint;
  details: ClaimDetail[];
}

export interface Claim {
  fileId: string;
  sender: string;
  period: string;
  usageStart: string;
  usageEnd: string;
  summaries: ClaimSummary[];
}

/** A summary being claimed against, its details by work, method and share. */
export interface ClaimedSummary {
  s: ClaimSummary;
  details: Map<string, ClaimDetail>;
}

/** The claim of one report, as its lines are counted. */
export class ClaimRows {
  private readonly summaries = new Map<string, ClaimedSummary>();
  private usageStart = '';
  private usageEnd = '';

  constructor(private readonly reportedHere: ReadonlyMap<string, SummaryInPeriod>) {}

  /** Every line of the report in the period widens the usage dates the claim covers. */
  cover(line: LineFacts): void {
    if (line.periodStart && (!this.usageStart || line.periodStart < this.usageStart))
      this.usageStart = line.periodStart;
    if (line.periodEnd && line.periodEnd > this.usageEnd) this.usageEnd = line.periodEnd;
  }

  /** The summary a matched line is claimed under, with what that summary reports. */
  summaryOf(line: LineFacts, currency: string): ClaimedSummary {
    const summaryId = line.summary?.summaryRecordId ?? '';
    // By currency too: lines without a summary record (CSV reports) may be in several.
    const key = `${summaryId}\t${currency}`;
    let cs = this.summaries.get(key);
    if (!cs) {
      const here = line.summary ? this.reportedHere.get(line.summary.key) : undefined;
      this.summaries.set(
        key,
        (cs = {
          s: {
            summaryRecordId: summaryId,
            commercialModel: line.summary?.commercialModel ?? line.commercialModel ?? '',
            useType: line.summary?.useType ?? line.useType ?? '',
            territory: line.summary?.territory ?? line.territory ?? '',
            currency,
            reportedUsages: here ? here.usages : (line.summary?.totalUsages ?? null),
            reportedRevenue: here?.revenue ?? null,
            claimedUsages: 0,
            claimedAmount: 0n,
            details: [],
          },
          details: new Map(),
        }),
      );
    }
    return cs;
  }

  /** What our holders claim of one part of a matched line. */
  addPart(
    cs: ClaimedSummary,
    part: MatchFacts,
    claimedBasisPoints: number,
    usages: number,
    claimed: bigint,
  ): void {
    cs.s.claimedUsages += usages;
    cs.s.claimedAmount += claimed;
    const detailKey = `${part.workId}\t${part.method}\t${claimedBasisPoints}`;
    const d = cs.details.get(detailKey);
    if (d) {
      d.usages += usages;
      d.amount += claimed;
    } else {
      cs.details.set(detailKey, {
        workId: part.workId,
        iswc: part.iswc ?? '',
        method: part.method,
        shareBasisPoints: claimedBasisPoints,
        usages,
        amount: claimed,
      });
    }
  }

  /** summaries by record id and currency, details by work, method and share */
  claim(fileId: string, sender: string, period: string): Claim {
    const summaries = byKey(this.summaries).map(({ s, details }) => ({ ...s, details: byKey(details) }));
    return { fileId, sender, period, usageStart: this.usageStart, usageEnd: this.usageEnd, summaries };
  }
}
