import { splitByShares } from './money.ts';
import { type ExportInput, type LineFacts, type MatchFacts, partsOf, UNALLOCATED } from './model.ts';
import { inPeriod, monthOf } from './period.ts';
import { valueFile, type FileValuation } from './valuation.ts';
import type { MatchMethod } from '../core/schemas/index.ts';

export interface StatementRow {
  workId: string;
  iswc: string;
  territory: string;
  commercialModel: string;
  useType: string;
  method: MatchMethod | '';
  currency: string;
  /** the holder's share of the work, basis points */
  shareBasisPoints: number;
  usages: number;
  amount: bigint;
}

export interface Statement {
  holderId: string;
  holderName: string;
  period: string;
  rows: StatementRow[];
}

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

export interface WorkTotal {
  workId: string;
  currency: string;
  usages: number;
  /** the whole value of the work's lines, allocated or not */
  amount: bigint;
}

export interface ExportModel {
  period: string;
  statements: Statement[];
  claims: Claim[];
  accounts: FileAccount[];
  works: WorkTotal[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The even split of an integer over n parts, the remainder to the first parts. */
function evenPart(total: bigint, n: number, i: number): bigint {
  if (n === 1) return total;
  const N = BigInt(n);
  const base = total / N;
  const rest = total - base * N;
  return base + (BigInt(i) < rest ? 1n : 0n);
}

/** The latest emission of each part of a line: re-matches first, then by time and offset. */
export function settledParts(parts: readonly MatchFacts[]): MatchFacts[] {
  if (parts.length <= 1) return parts as MatchFacts[];
  const best = new Map<number, MatchFacts>();
  for (const p of parts) {
    const known = best.get(p.partIndex);
    if (!known || compareOrder(p.order, known.order) > 0) best.set(p.partIndex, p);
  }
  return [...best.values()].sort((a, b) => a.partIndex - b.partIndex);
}

function compareOrder(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * The whole export of one period from its input, as data: statements per rights holder,
 * claims per report, and each report's accounting. Pure and deterministic: the same input
 * in any order gives the same model.
 */
export function computeExport(input: ExportInput, period: string): ExportModel {
  const byFile = new Map<string, LineFacts[]>();
  for (const l of input.lines.values()) {
    let list = byFile.get(l.fileId);
    if (!list) byFile.set(l.fileId, (list = []));
    list.push(l);
  }
  const statementRows = new Map<string, { name: string; rows: Map<string, StatementRow[]> }>();
  const claims: Claim[] = [];
  const accounts: FileAccount[] = [];
  const works = new Map<string, WorkTotal>();
  for (const fileId of [...byFile.keys()].sort(cmp)) {
    const all = byFile.get(fileId)!;
    const inP = all.filter((l) => inPeriod(monthOf(l.periodStart, l.periodEnd), period));
    if (inP.length === 0) continue;
    const valuation = valueFile(all);
    const { claim, account } = exportFile(fileId, inP, valuation, input, period, statementRows, works);
    claims.push(claim);
    accounts.push(account);
  }
  const statements: Statement[] = [...statementRows.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([holderId, s]) => ({
      holderId,
      holderName: s.name,
      period,
      rows: [...s.rows.entries()]
        .sort(([a], [b]) => cmp(a, b))
        .flatMap(([, rows]) => [...rows].sort((x, y) => x.shareBasisPoints - y.shareBasisPoints)),
    }));
  return {
    period,
    statements,
    claims,
    accounts,
    works: [...works.entries()].sort(([a], [b]) => cmp(a, b)).map(([, w]) => w),
  };
}

function exportFile(
  fileId: string,
  lines: LineFacts[],
  valuation: FileValuation,
  input: ExportInput,
  period: string,
  statementRows: Map<string, { name: string; rows: Map<string, StatementRow[]> }>,
  works: Map<string, WorkTotal>,
): { claim: Claim; account: FileAccount } {
  const money = new Map<string, MoneyAccount>();
  const accountOf = (currency: string) => {
    let a = money.get(currency);
    if (!a) {
      money.set(
        currency,
        (a = {
          currency,
          reported: 0n,
          allocated: 0n,
          unallocated: 0n,
          unmatched: 0n,
          pending: 0n,
          notValued: 0n,
        }),
      );
    }
    return a;
  };
  const inPeriodIds = new Set(lines.map((l) => l.lineId));
  const reportedHere = summariesInPeriod(lines, valuation, inPeriodIds);
  for (const s of valuation.summaries) {
    const here = reportedHere.get(s.summary.key);
    if (!here) continue;
    const a = accountOf(s.currency ?? '');
    a.reported += here.revenue;
    a.notValued += here.notValued;
  }
  const claimSummaries = new Map<string, { s: ClaimSummary; details: Map<string, ClaimDetail> }>();
  const account: FileAccount = {
    fileId,
    sender: lines[0]!.sender,
    lines: lines.length,
    usages: 0,
    matchedLines: 0,
    matchedUsages: 0,
    unmatchedLines: 0,
    pendingLines: 0,
    deadAtMatch: input.deadAtMatch.get(fileId)?.size ?? 0,
    money: [],
    unvaluable: valuation.unvaluable.filter((u) => inPeriodIds.has(u.lineId)),
  };
  let usageStart = '';
  let usageEnd = '';
  for (const line of [...lines].sort((a, b) => a.lineNumber - b.lineNumber)) {
    const currency = line.summary?.currency ?? line.currency ?? '';
    const value = valuation.values.get(line.lineId);
    account.usages += line.usages;
    if (line.periodStart && (!usageStart || line.periodStart < usageStart)) usageStart = line.periodStart;
    if (line.periodEnd && line.periodEnd > usageEnd) usageEnd = line.periodEnd;
    if (value !== undefined && !line.summary?.netRevenue) accountOf(currency).reported += value;
    const parts = settledParts(partsOf(input.matched.get(line.lineId)));
    if (parts.length === 0) {
      if (input.unmatched.has(line.lineId)) {
        account.unmatchedLines++;
        accountOf(currency).unmatched += value ?? 0n;
      } else {
        account.pendingLines++;
        accountOf(currency).pending += value ?? 0n;
      }
      continue;
    }
    account.matchedLines++;
    account.matchedUsages += line.usages;
    const summaryId = line.summary?.summaryRecordId ?? '';
    // By currency too: lines without a summary record (CSV reports) may be in several.
    const claimKey = `${summaryId}\t${currency}`;
    let cs = claimSummaries.get(claimKey);
    if (!cs) {
      const here = line.summary ? reportedHere.get(line.summary.key) : undefined;
      claimSummaries.set(
        claimKey,
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
    for (const part of parts) {
      const partValue = evenPart(value ?? 0n, part.partCount, part.partIndex);
      const partUsages = Number(evenPart(BigInt(line.usages), part.partCount, part.partIndex));
      const split = splitByShares(
        partValue,
        part.holders.map((h) => h.basisPoints),
      );
      const workKey = `${part.workId}\t${currency}`;
      const work = works.get(workKey) ?? { workId: part.workId, currency, usages: 0, amount: 0n };
      work.usages += partUsages;
      work.amount += partValue;
      works.set(workKey, work);
      const claimedBp = Math.min(
        10000,
        part.holders.reduce((n, h) => n + h.basisPoints, 0),
      );
      const claimed = split.parts.reduce((a, b) => a + b, 0n);
      accountOf(currency).allocated += claimed;
      accountOf(currency).unallocated += split.unallocated;
      const rowBase = {
        workId: part.workId,
        iswc: part.iswc ?? '',
        territory: line.territory ?? line.summary?.territory ?? '',
        commercialModel: line.commercialModel ?? line.summary?.commercialModel ?? '',
        useType: line.useType ?? line.summary?.useType ?? '',
        method: part.method,
        currency,
      };
      const baseKey = `${rowBase.workId}\t${rowBase.territory}\t${rowBase.commercialModel}\t${rowBase.useType}\t${currency}\t${part.method}`;
      part.holders.forEach((h, i) =>
        addRow(statementRows, h.id, h.name, baseKey, rowBase, h.basisPoints, partUsages, split.parts[i]!),
      );
      if (split.unallocated !== 0n || claimedBp < 10000) {
        addRow(
          statementRows,
          UNALLOCATED,
          'shares not held by a known rights holder',
          baseKey,
          rowBase,
          10000 - claimedBp,
          partUsages,
          split.unallocated,
        );
      }
      cs.s.claimedUsages += partUsages;
      cs.s.claimedAmount += claimed;
      const detailKey = `${part.workId}\t${part.method}\t${claimedBp}`;
      const d = cs.details.get(detailKey);
      if (d) {
        d.usages += partUsages;
        d.amount += claimed;
      } else {
        cs.details.set(detailKey, {
          workId: part.workId,
          iswc: part.iswc ?? '',
          method: part.method,
          shareBasisPoints: claimedBp,
          usages: partUsages,
          amount: claimed,
        });
      }
    }
  }
  account.money = [...money.values()].sort((a, b) => cmp(a.currency, b.currency));
  const summaries = [...claimSummaries.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([, { s, details }]) => ({
      ...s,
      details: [...details.entries()].sort(([a], [b]) => cmp(a, b)).map(([, d]) => d),
    }));
  return {
    claim: { fileId, sender: account.sender, period, usageStart, usageEnd, summaries },
    account,
  };
}

/**
 * What each summary record reports within the period: a summary whose lines fall in several
 * months counts in each only the values and usages of its lines there; what was never
 * received (not valued, missing usages) counts in the period of its first line, so the
 * periods add up to the summary exactly once.
 */
function summariesInPeriod(
  lines: readonly LineFacts[],
  valuation: FileValuation,
  inPeriodIds: ReadonlySet<string>,
): Map<string, { revenue: bigint; usages: number | null; notValued: bigint }> {
  const here = new Map<string, { revenue: bigint; usages: number }>();
  for (const l of lines) {
    if (!l.summary) continue;
    const h = here.get(l.summary.key) ?? { revenue: 0n, usages: 0 };
    h.revenue += valuation.values.get(l.lineId) ?? 0n;
    h.usages += l.usages;
    here.set(l.summary.key, h);
  }
  const out = new Map<string, { revenue: bigint; usages: number | null; notValued: bigint }>();
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

function addRow(
  statements: Map<string, { name: string; rows: Map<string, StatementRow[]> }>,
  holderId: string,
  holderName: string,
  baseKey: string,
  base: Omit<StatementRow, 'usages' | 'amount' | 'shareBasisPoints'>,
  shareBasisPoints: number,
  usages: number,
  amount: bigint,
): void {
  let s = statements.get(holderId);
  if (!s) statements.set(holderId, (s = { name: holderName, rows: new Map() }));
  // One string per part as the key (its hash is computed once), the share searched in a
  // short list: this runs once per holder per matched line.
  let rows = s.rows.get(baseKey);
  if (!rows) s.rows.set(baseKey, (rows = []));
  const row = rows.find((r) => r.shareBasisPoints === shareBasisPoints);
  if (row) {
    row.usages += usages;
    row.amount += amount;
  } else rows.push({ ...base, shareBasisPoints, usages, amount });
}

/** reported − (allocated + unallocated + unmatched + pending + notValued): 0 when it adds up. */
export function moneyGap(a: MoneyAccount): bigint {
  return a.reported - a.allocated - a.unallocated - a.unmatched - a.pending - a.notValued;
}
