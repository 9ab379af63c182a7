// Why a CSV row is dead-lettered, by fault: the wording of each, apart from the value checks
// of its cells (fields.ts) and unbalanced quotes (open-record.ts).
import { quoteValue as q } from '../../core/values/index.ts';
import type { Line } from '../lines/line-reader.ts';
import { findInvalidUtf8, hexByte } from '../lines/utf8.ts';
import type { Fault, MappedColumn } from './fields.ts';
import { delimiterName, listFirst } from './messages.ts';
import type { RecordScanner } from './scan.ts';

/** A required column is empty. */
export function missingCell(col: MappedColumn): Fault {
  return {
    errorClass: 'MISSING_REQUIRED_CELL',
    cell: col.header,
    message: `column ${q(col.header)} (${col.field}) is empty; a value is required`,
  };
}

/** The row has fewer cells than the header (`header`, at line `headerLine`). */
export function shortRow(
  cells: string[],
  header: string[],
  headerLine: number | null,
  delimiter: string,
): Fault {
  const missing = header.slice(cells.length).map((h) => q(h));
  return {
    errorClass: 'WRONG_CELL_COUNT',
    message:
      `the row has ${cells.length} cell(s) but the header (line ${headerLine}) has ${header.length} columns; ` +
      `${listFirst(missing, 5)} ${missing.length === 1 ? 'is' : 'are'} missing — was the row cut short, or are its values separated by something other than ${delimiterName(delimiter)}?`,
  };
}

/** The row has more cells than the header, and not all of the extra ones are empty. */
export function longRow(
  cells: string[],
  header: string[],
  headerLine: number | null,
  delimiter: string,
): Fault {
  const extra = cells.slice(header.length).map((c) => q(c));
  return {
    errorClass: 'WRONG_CELL_COUNT',
    message:
      `the row has ${cells.length} cells but the header (line ${headerLine}) has ${header.length} columns; ` +
      `the extra cell(s) ${listFirst(extra, 5)} — does a value contain ${delimiterName(delimiter)} without being quoted?`,
  };
}

/** The record's bytes (starting at `byteOffset` in the file) are not UTF-8. */
export function invalidUtf8(
  bytes: Buffer,
  byteOffset: number,
  scanner: RecordScanner,
  header: string[],
): Fault {
  const at = findInvalidUtf8(bytes);
  const prefix = bytes.subarray(0, at).toString('utf8');
  const cellIndex = scanner.cellAt(prefix, prefix.length);
  const column = cellIndex < header.length ? (header[cellIndex] as string) : null;
  const fault: Fault = {
    errorClass: 'INVALID_UTF8',
    message:
      `invalid UTF-8: byte ${hexByte(bytes[at] ?? 0)} at byte ${at} of the row (byte ${byteOffset + at} of the file), ` +
      `in cell ${cellIndex + 1}${column !== null ? ` (column ${q(column)})` : ''}; the file must be UTF-8 ` +
      '(a byte like this usually means the text was written as Latin-1 or Windows-1252)',
  };
  if (column !== null) fault.cell = column;
  return fault;
}

/** The line is over `maxLineBytes` (the line reader kept its first bytes). */
export function tooLong(line: Line, maxLineBytes: number): Fault {
  const length = line.byteLength ?? line.bytes.length;
  return {
    errorClass: 'LINE_TOO_LONG',
    message: `the line is ${length} bytes long, over the limit of ${maxLineBytes} bytes; only its first ${line.bytes.length} bytes are kept in this dead letter`,
  };
}

/** The first fault decides the error class; the others are listed in its message. */
export function firstOf(faults: Fault[]): Fault {
  const first = faults[0] as Fault;
  if (faults.length > 1) {
    first.message += ` (also: ${faults
      .slice(1)
      .map((f) => `${f.errorClass} ${f.message}`)
      .join('; ')})`;
  }
  return first;
}
