// SY01-SY05: summary records, which usage lines refer to by SummaryRecordId.
import type { Summary } from '../../../core/schemas/index.ts';
import { parseCount } from '../../../core/values/index.ts';
import type { DsrFileState } from '../parser-state.ts';
import { key, pos } from '../layout-cells.ts';
import type { RecordLayout } from '../record-types.ts';
import type { InputLine, LineOutcome } from '../types.ts';
import { validate } from '../validate.ts';

export function summaryLine(
  s: DsrFileState,
  line: InputLine,
  L: RecordLayout,
  _raw: string[],
  vals: string[],
): LineOutcome {
  const n = line.lineNumber;
  s.summaryRecordCount++;
  const fault = validate(L, vals, s.total);
  if (fault !== null) return s.deadContext(line, L, vals, fault);
  if (s.total < L.width) s.noteShort(n, L, vals);
  const id = key(vals, pos(L, 'SummaryRecordId'));
  const cells: Record<string, string> = {};
  for (let i = 1; i < vals.length; i++) {
    const v = (vals[i] as string).trim();
    if (v !== '') cells[i < L.width ? (L.canonical[i] as string) : `Cell${i + 1}`] = v;
  }
  const usagesText = cells.TotalUsages ?? cells.Usages ?? cells.TotalUsagesInReportingPeriod;
  const summary: Summary = {
    summaryRecordId: id,
    recordType: L.written,
    commercialModel: cells.CommercialModel ?? null,
    useType: cells.UseType ?? null,
    territory: cells.Territory ?? null,
    currency: cells.CurrencyOfReporting ?? null,
    netRevenue: cells.NetRevenue ?? null,
    totalUsages: usagesText === undefined ? null : parseCount(usagesText),
    lineNumber: n,
  };
  s.summaryLines.push({ lineNumber: n, recordType: L.written, summaryRecordId: id, cells });
  const existing = s.summaries.get(id);
  if (existing === undefined) {
    s.summaries.set(id, {
      summary,
      lines: [n],
      cells,
      differing: new Set(),
      serviceDescription: cells.ServiceDescription ?? null,
    });
  } else {
    // Several lines share the id: keep what they agree on (a new object: events already
    // emitted keep the Summary they were given).
    const prev = existing.summary;
    const agree = <T>(a: T, b: T): T | null => (a === b ? a : null);
    existing.summary = {
      ...prev,
      commercialModel: agree(prev.commercialModel, summary.commercialModel),
      useType: agree(prev.useType, summary.useType),
      territory: agree(prev.territory, summary.territory),
      currency: agree(prev.currency, summary.currency),
      netRevenue: agree(prev.netRevenue, summary.netRevenue),
      totalUsages: agree(prev.totalUsages, summary.totalUsages),
    };
    for (const name of new Set([...Object.keys(existing.cells), ...Object.keys(cells)])) {
      if (existing.cells[name] !== cells[name]) existing.differing.add(name);
    }
    if (existing.serviceDescription !== (cells.ServiceDescription ?? null))
      existing.serviceDescription = null;
    existing.lines.push(n);
  }
  return s.context(n, L.written);
}
