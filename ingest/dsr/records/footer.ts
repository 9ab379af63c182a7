// FOOT (and FFOO): the footer, and the check of its counts against the file's.
import { isInteger, quoteValue as q } from '../../../core/values/index.ts';
import type { DsrFileState } from '../parser-state.ts';
import type { RecordLayout } from '../record-types.ts';
import type { ContextOutcome } from '../types.ts';

export function footerLine(s: DsrFileState, n: number, L: RecordLayout, vals: string[]): ContextOutcome {
  if (s.footer !== null) {
    s.warn(`line ${n}: a second ${L.written} record; the one at line ${s.footer.lineNumber} is ignored`);
  }
  const cells: Record<string, string> = {};
  for (let i = 1; i < vals.length && i < L.width; i++) {
    const v = (vals[i] as string).trim();
    if (v !== '') cells[L.canonical[i] as string] = v;
  }
  s.footer = { recordType: L.written, lineNumber: n, cells };
  s.linesAfterFooter = 0;
  return s.context(n, L.written);
}

export function footerCheck(s: DsrFileState): string {
  const f = s.footer;
  if (f === null) return 'NO_FOOTER';
  const problems: string[] = [];
  const compare = (name: string, actual: number, required: boolean): void => {
    const v = f.cells[name];
    if (v === undefined) {
      if (required) problems.push(`${name}: missing from ${f.recordType}`);
      return;
    }
    if (!isInteger(v)) {
      problems.push(`${name}: ${q(v)} is not a number`);
      return;
    }
    if (Number(v) !== actual)
      problems.push(`${name}: ${f.recordType} says ${Number(v)}, the file has ${actual}`);
  };
  if (f.recordType.toUpperCase() === 'FFOO') {
    compare('NumberOfLines', s.counts.lines, true);
  } else {
    compare('NumberOfLinesInFile', s.counts.lines, true);
    compare('NumberOfSummaryRecords', s.summaryRecordCount, true);
    compare('NumberOfBlocksInFile', s.blockCount, true);
    // The …InReport cells describe the whole report: checkable here only for a one-file report.
    const files = s.headRecord?.numberOfFiles ?? 1;
    if (files === 1) {
      compare('NumberOfLinesInReport', s.counts.lines, false);
      compare('NumberOfBlocksInReport', s.blockCount, false);
    }
  }
  return problems.length === 0 ? 'OK' : problems.join('; ');
}
