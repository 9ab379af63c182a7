// The whole export of a period, as data: each report's lines go through its accounting
// (accounting.ts), its claim (claim-rows.ts), the holders' statements (statement-rows.ts)
// and the per-work totals (work-totals.ts).
import { ReportAccounting, summariesInPeriod, type FileAccount } from './accounting.ts';
import { ClaimRows, type Claim, type ClaimedSummary } from './claim-rows.ts';
import { type ExportInput, type LineFacts, type MatchFacts, partsOf } from './input.ts';
import { evenPart, settledParts } from './line-parts.ts';
import { splitByShares } from './money.ts';
import { inPeriod, monthOf } from './period.ts';
import { cmp } from './sort.ts';
import { StatementRows, type Statement } from './statement-rows.ts';
import { valueFile, type FileValuation } from './valuation.ts';
import { WorkTotals, type WorkTotal } from './work-totals.ts';

export interface ExportModel {
  period: string;
  statements: Statement[];
  claims: Claim[];
  accounts: FileAccount[];
  works: WorkTotal[];
}

/**
 * The whole export of one period from its input, as data: statements per rights holder,
 * claims per report, and each report's accounting. Pure and deterministic: the same input
 * in any order gives the same model.
 */
export function computeExport(input: ExportInput, period: string): ExportModel {
  const statements = new StatementRows();
  const works = new WorkTotals();
  const claims: Claim[] = [];
  const accounts: FileAccount[] = [];
  for (const [fileId, all] of linesByReport(input)) {
    const lines = all.filter((l) => inPeriod(monthOf(l.periodStart, l.periodEnd), period));
    if (lines.length === 0) continue;
    // Valued over all the report's lines: a summary's revenue is spread over every month.
    const valuation = valueFile(all);
    const { claim, account } = computeReport({ fileId, lines, valuation, input, period, statements, works });
    claims.push(claim);
    accounts.push(account);
  }
  return { period, statements: statements.statements(period), claims, accounts, works: works.list() };
}

/** The lines of each report, reports by file id. */
function linesByReport(input: ExportInput): [string, LineFacts[]][] {
  const byFile = new Map<string, LineFacts[]>();
  for (const l of input.lines.values()) {
    let list = byFile.get(l.fileId);
    if (!list) byFile.set(l.fileId, (list = []));
    list.push(l);
  }
  return [...byFile.entries()].sort(([a], [b]) => cmp(a, b));
}

export interface ReportInput {
  fileId: string;
  /** the report's lines in the period */
  lines: readonly LineFacts[];
  /** the values of all the report's lines */
  valuation: FileValuation;
  input: ExportInput;
  period: string;
  /** shared by the period's reports: this report's rows are added */
  statements: StatementRows;
  /** shared by the period's reports: this report's parts are added */
  works: WorkTotals;
}

/**
 * One report in one period: its claim and its accounting, its rows added to the holders'
 * statements and the work totals. Lines in line order, so that the first name a holder
 * is seen with does not depend on the input's order.
 */
export function computeReport(r: ReportInput): { claim: Claim; account: FileAccount } {
  const inPeriodIds = new Set(r.lines.map((l) => l.lineId));
  const reportedHere = summariesInPeriod(r.lines, r.valuation, inPeriodIds);
  const deadAtMatch = r.input.deadAtMatch.get(r.fileId)?.size ?? 0;
  const accounting = new ReportAccounting({ ...r, deadAtMatch }, inPeriodIds, reportedHere);
  const claim = new ClaimRows(reportedHere);
  for (const line of [...r.lines].sort((a, b) => a.lineNumber - b.lineNumber)) {
    const currency = line.summary?.currency ?? line.currency ?? '';
    const value = r.valuation.values.get(line.lineId);
    accounting.line(line, currency, value);
    claim.cover(line);
    const parts = settledParts(partsOf(r.input.matched.get(line.lineId)));
    if (parts.length === 0) {
      accounting.undecided(currency, value, r.input.unmatched.has(line.lineId));
      continue;
    }
    accounting.matched(line);
    const summary = claim.summaryOf(line, currency);
    for (const part of parts) addPart(r, { line, currency, value, part, summary, accounting, claim });
  }
  return { claim: claim.claim(r.fileId, accounting.sender, r.period), account: accounting.finish() };
}

/** One part of a matched line: its even share of the line, split over the work's holders. */
function addPart(
  r: ReportInput,
  p: {
    line: LineFacts;
    currency: string;
    value: bigint | undefined;
    part: MatchFacts;
    summary: ClaimedSummary;
    accounting: ReportAccounting;
    claim: ClaimRows;
  },
): void {
  const { line, currency, part } = p;
  const partValue = evenPart(p.value ?? 0n, part.partCount, part.partIndex);
  const partUsages = Number(evenPart(BigInt(line.usages), part.partCount, part.partIndex));
  const split = splitByShares(
    partValue,
    part.holders.map((h) => h.basisPoints),
  );
  r.works.add(part.workId, currency, partUsages, partValue);
  const claimedBp = Math.min(
    10000,
    part.holders.reduce((n, h) => n + h.basisPoints, 0),
  );
  const claimed = split.parts.reduce((a, b) => a + b, 0n);
  p.accounting.allocate(currency, claimed, split.unallocated);
  r.statements.addPart(line, part, currency, partUsages, split, claimedBp);
  p.claim.addPart(p.summary, part, claimedBp, partUsages, claimed);
}
