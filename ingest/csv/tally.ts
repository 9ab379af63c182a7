// The CSV parser's outcomes as they are pushed, and what it counts of them: counts.lines,
// dead letters per class and the warnings kept.
import type { LineCounts, UsageLine } from '../../core/schemas/index.ts';
import type { ContextOutcome, DeadOutcome, LineOutcome, UsageOutcome } from '../dsr/types.ts';
import type { Line } from '../lines/line-reader.ts';
import type { Fault } from './fields.ts';
import type { CsvErrorClass } from './parser.ts';

/** recordType of context outcomes and of usage events / dead letters. */
export const CSV_RECORD_TYPE = 'CSV';
export const PREAMBLE_RECORD_TYPE = 'PREAMBLE';
export const HEADER_RECORD_TYPE = 'HEADER';

export class Tally {
  readonly counts: LineCounts = { lines: 0, emitted: 0, deadLettered: 0, context: 0 };
  readonly deadByClass: Partial<Record<CsvErrorClass, number>> = {};
  private readonly warnings: string[] = [];
  private suppressedWarnings = 0;

  constructor(private readonly maxWarnings: number) {}

  /** The usage event of the record made of `lines`. */
  usage(lines: Line[], value: UsageLine, out: LineOutcome[]): void {
    this.counts.lines++;
    this.counts.emitted++;
    const first = lines[0] as Line;
    // a one-line record (nearly all) is a view of its line: no copy on the hot path
    const bytes = lines.length === 1 ? first.bytes : recordBytes(lines);
    const outcome: UsageOutcome = {
      kind: 'usage',
      lineNumber: first.lineNumber,
      value,
      bytes,
      byteOffset: first.byteOffset,
    };
    out.push(outcome);
  }

  context(lineNumber: number, recordType: string, out: LineOutcome[]): void {
    this.counts.lines++;
    this.counts.context++;
    const o: ContextOutcome = { kind: 'context', lineNumber, recordType };
    out.push(o);
  }

  /** Dead-letters the record made of `lines` (`bytes`: its bytes when already joined). */
  dead(lines: Line[], out: LineOutcome[], fault: Fault, bytes?: Buffer): void {
    this.counts.lines++;
    this.counts.deadLettered++;
    this.deadByClass[fault.errorClass] = (this.deadByClass[fault.errorClass] ?? 0) + 1;
    const first = lines[0] as Line;
    const o: DeadOutcome = {
      kind: 'dead',
      lineNumber: first.lineNumber,
      bytes: bytes ?? recordBytes(lines),
      byteOffset: first.byteOffset,
      stage:
        fault.errorClass === 'INVALID_UTF8' ||
        fault.errorClass === 'LINE_TOO_LONG' ||
        fault.errorClass === 'WRONG_CELL_COUNT'
          ? 'parse'
          : 'validate',
      errorClass: fault.errorClass,
      message: fault.message,
      recordType: CSV_RECORD_TYPE,
    };
    if (lines.length === 1 && first.byteLength !== undefined) o.byteLength = first.byteLength;
    if (fault.cell !== undefined) o.cell = fault.cell;
    out.push(o);
  }

  warn(message: string): void {
    if (this.warnings.length < this.maxWarnings) this.warnings.push(message);
    else this.suppressedWarnings++;
  }

  /** The warnings kept, and how many more there were. */
  warningList(): string[] {
    const warnings = [...this.warnings];
    if (this.suppressedWarnings > 0) warnings.push(`… and ${this.suppressedWarnings} more warnings`);
    return warnings;
  }
}

const CRLF = Buffer.from('\r\n');
const LF = Buffer.from('\n');

/** The record's bytes as in the file: its lines with the line breaks between them. */
export function recordBytes(lines: Line[]): Buffer {
  if (lines.length === 1) return Buffer.from((lines[0] as Line).bytes);
  const parts: Buffer[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as Line;
    parts.push(l.bytes);
    const next = lines[i + 1];
    if (next !== undefined) {
      const gap = next.byteOffset - (l.byteOffset + l.bytes.length);
      parts.push(gap === 2 ? CRLF : LF);
    }
  }
  return Buffer.concat(parts);
}
