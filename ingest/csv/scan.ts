/**
 * Splitting the text of one CSV record (one physical line, or several joined with their
 * original line breaks) into cells.
 *
 * Well-formed RFC 4180 text — unquoted fields without quote characters, quoted fields whose
 * inner quotes are doubled, closing quotes followed by the delimiter or the end — has exactly
 * one reading, and is split here with `indexOf`, which is several times faster than a general
 * parser. Anything else (a quote inside an unquoted field as in `12" Mix`, text after a
 * closing quote as in `"abc"x`, a space before an opening quote) is handed to csv-parse with
 * `relax_quotes`, whose reading (stray quotes are literal text) is the reference. The tests
 * compare both on generated files.
 */

import { parse as parseSync } from 'csv-parse/sync';

/** The cells of a complete record. */
export interface ScanCells {
  kind: 'cells';
  cells: string[];
  /** true when csv-parse had to read it (irregular quoting) */
  irregular: boolean;
}

/** The text ends inside a quoted field: more lines belong to the record, or the quote is unbalanced. */
export interface ScanOpen {
  kind: 'open';
  /** 0-based cell index of the quoted field that is not closed */
  cell: number;
}

/** csv-parse could not read the text for another reason. */
export interface ScanError {
  kind: 'error';
  message: string;
}

export type ScanResult = ScanCells | ScanOpen | ScanError;

export class RecordScanner {
  private readonly d: string;
  private readonly q: string;
  private readonly qc: number;
  private readonly dc: number;
  private readonly parseOptions: Record<string, unknown>;

  constructor(delimiter: string, quote: string) {
    this.d = delimiter;
    this.q = quote;
    this.qc = quote.charCodeAt(0);
    this.dc = delimiter.charCodeAt(0);
    this.parseOptions = {
      delimiter,
      quote,
      escape: quote,
      record_delimiter: ['\r\n', '\n'],
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: false,
      bom: false,
      encoding: 'utf8',
    };
  }

  /** Cells of `text`, which holds no record delimiter outside quoted fields. */
  scan(text: string): ScanResult {
    if (text.indexOf(this.q) === -1) return { kind: 'cells', cells: text.split(this.d), irregular: false };
    const regular = this.scanQuoted(text);
    if (regular !== null) return regular;
    return this.scanWithCsvParse(text);
  }

  /** RFC 4180 reading; null when the text is not well-formed (then csv-parse decides). */
  private scanQuoted(text: string): ScanCells | ScanOpen | null {
    const n = text.length;
    const q = this.q;
    const cells: string[] = [];
    let i = 0;
    for (;;) {
      if (i < n && text.charCodeAt(i) === this.qc) {
        // quoted field
        let j = i + 1;
        let value = '';
        for (;;) {
          const k = text.indexOf(q, j);
          if (k === -1) return { kind: 'open', cell: cells.length };
          if (k + 1 < n && text.charCodeAt(k + 1) === this.qc) {
            value += text.slice(j, k + 1);
            j = k + 2;
            continue;
          }
          value += text.slice(j, k);
          i = k + 1;
          break;
        }
        cells.push(value);
        if (i === n) return { kind: 'cells', cells, irregular: false };
        if (text.charCodeAt(i) !== this.dc) return null; // text after the closing quote
        i++;
      } else {
        const k = text.indexOf(this.d, i);
        const end = k === -1 ? n : k;
        const value = text.slice(i, end);
        if (value.indexOf(q) !== -1) return null; // a quote inside an unquoted field
        cells.push(value);
        if (k === -1) return { kind: 'cells', cells, irregular: false };
        i = k + 1;
      }
    }
  }

  private scanWithCsvParse(text: string): ScanResult {
    let records: string[][];
    try {
      records = parseSync(text, this.parseOptions) as string[][];
    } catch (e) {
      const err = e as Error & { code?: string; column?: unknown };
      if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
        return { kind: 'open', cell: typeof err.column === 'number' ? err.column : -1 };
      }
      return { kind: 'error', message: err.message };
    }
    if (records.length === 0) return { kind: 'cells', cells: [''], irregular: true };
    if (records.length > 1) {
      return { kind: 'error', message: `csv-parse read ${records.length} records where one was expected` };
    }
    return { kind: 'cells', cells: records[0] as string[], irregular: true };
  }

  /** The cells of a complete record, or [] when the text ends inside a quoted field or cannot be read. */
  cellsOf(text: string): string[] {
    const r = this.scan(text);
    return r.kind === 'cells' ? r.cells : [];
  }

  /** 0-based index of the cell that character `at` of `text` falls in (quotes respected). */
  cellAt(text: string, at: number): number {
    let cell = 0;
    let quoted = false;
    const end = Math.min(at, text.length);
    for (let i = 0; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === this.qc) quoted = !quoted;
      else if (c === this.dc && !quoted) cell++;
    }
    return cell;
  }
}

/** True for a cell that is empty or only spaces. */
export function isBlank(s: string): boolean {
  return s.length === 0 || s.trim() === '';
}
