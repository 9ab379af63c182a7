/**
 * CSV/TSV usage-report parser: fed physical lines (ingest/lines), it gives exactly one
 * outcome per preamble line, per header row and per record — a usage event, a dead letter or
 * a context line — using the sender's column mapping (mapping.ts).
 *
 * Counting. A record normally is one physical line, but a quoted field may contain line
 * breaks, so a record can span several lines. For CSV, `counts.lines` therefore counts
 * preamble lines + the header row + records (blank lines included, each a record of its own),
 * and the invariant is `lines === emitted + deadLettered + context`. A record's lineNumber is
 * the physical line it starts on; `physicalLines` in the summary is the number of physical
 * lines read, equal to `counts.lines` when no record spans lines.
 *
 * Decisions:
 *
 * - The preamble (lines before `headerLine`, or before the header found by `findHeader`) is
 *   context ('PREAMBLE'); so is the header row ('HEADER'). The header row must be one line.
 *   A missing mapped column, a duplicated mapped column or no header at all refuses the file
 *   (`fileError`, naming the columns): nothing is yielded, all counts stay 0.
 * - Header names are matched ignoring case and surrounding/repeated spaces. Unmapped columns
 *   go to `extra` under their header name as written (non-empty values only).
 * - A row whose cells are all empty (a blank line, or `,,,,`) is context with recordType ''.
 * - Extra cells beyond the header that are all empty (a trailing delimiter) are tolerated,
 *   with a warning; any other difference in cell count is WRONG_CELL_COUNT.
 * - Cells are checked in column order; the first fault decides the error class, the others
 *   are listed in the message. `usages` is always required and must be digits only.
 * - Identifiers are normalised by core/identifiers (`gb-aht-09-00445` → `GBAHT0900445`);
 *   codes (territory, currency, ids) are trimmed; titles are kept as written.
 * - Quoting follows RFC 4180 (scan.ts). A quote that opens a field and is never closed
 *   properly is an unbalanced quote: the record would swallow the following lines. When the
 *   record is still open at the end of the file, after `maxRecordLines` lines or
 *   `maxLineBytes` bytes, or closes on a later line with the wrong number of cells, only the
 *   line where it started is dead-lettered (WRONG_CELL_COUNT, stage parse, the message says
 *   which column's quote is unbalanced) and reading resumes at the next line, so one stray
 *   quote costs one line. After `maxQuoteErrors` of these the file is given up: fileError,
 *   and the rest of the file is not read.
 * - Dead letters carry the record's bytes exactly as in the file (line breaks inside a
 *   multi-line record included, the final line break excluded; LINE_TOO_LONG keeps the first
 *   maxLineBytes bytes) and the byte offset of its first byte in the file.
 */

import { isUtf8 } from 'node:buffer';
import type { LineCounts, Release, Resource } from '../../core/schemas/index.ts';
import type { DsrErrorClass, LineOutcome } from '../dsr/types.ts';
import { DEFAULT_MAX_LINE_BYTES, type Line } from '../lines/line-reader.ts';
import { UsageLineBuilder } from '../usage-line.ts';
import { csvMappingSchema, type CsvDateFormat, type CsvMapping, type CsvTargetField } from './mapping.ts';
import { isBlank, RecordScanner } from './scan.ts';
import { OpenRecord } from './open-record.ts';
import { CSV_RECORD_TYPE, HEADER_RECORD_TYPE, PREAMBLE_RECORD_TYPE, recordBytes, Tally } from './tally.ts';
import { firstOf, invalidUtf8, longRow, missingCell, shortRow, tooLong } from './row-faults.ts';
import { assign, readColumn, type FieldContext, type Fault, type MappedColumn } from './fields.ts';
import { quoteValue as q } from '../../core/values/index.ts';
import { HeaderSearch, type CsvLayout, type ExtraColumn } from './header.ts';

/** Error classes the CSV parser puts on dead letters (a subset of the DSR ones). */
export type CsvErrorClass = Extract<
  DsrErrorClass,
  | 'INVALID_UTF8'
  | 'LINE_TOO_LONG'
  | 'WRONG_CELL_COUNT'
  | 'MISSING_REQUIRED_CELL'
  | 'INVALID_ISRC'
  | 'INVALID_ISWC'
  | 'INVALID_NUMBER'
  | 'INVALID_DATE'
  | 'INVALID_DURATION'
>;

export interface CsvParserOptions {
  /** id of the file (derived from its content hash); lineId = `${fileId}:${lineNumber}` */
  fileId: string;
  /** the sender the file came from, copied to every event */
  sender: string;
  mapping: CsvMapping;
  /** longest physical line, and longest record, in bytes (default 8 MiB) */
  maxLineBytes?: number;
  /** most physical lines one record (a quoted field with line breaks) may span (default 100) */
  maxRecordLines?: number;
  /** unbalanced quotes tolerated before the file is given up (default 100) */
  maxQuoteErrors?: number;
  /** most warnings kept (default 200); the rest are counted */
  maxWarnings?: number;
}

export interface CsvFileSummary {
  /**
   * A file-level fault for which the caller should refuse the whole file (no header row, a
   * mapped column missing from it, too many unbalanced quotes), or null.
   */
  fileError: string | null;
  counts: LineCounts;
  /** physical lines read; more than counts.lines when records span lines */
  physicalLines: number;
  /** 1-based line of the header row, null when none was found */
  headerLine: number | null;
  /** the header row's names as written */
  columns: string[];
  /** dead-lettered records per error class */
  deadByClass: Partial<Record<CsvErrorClass, number>>;
  warnings: string[];
}

interface LineSample {
  count: number;
  lines: number[];
}

const DEFAULT_MAX_RECORD_LINES = 100;
const DEFAULT_MAX_QUOTE_ERRORS = 100;
function sample(s: LineSample, line: number): void {
  s.count++;
  if (s.lines.length < 10) s.lines.push(line);
}

function linesText(s: LineSample): string {
  return s.lines.join(', ') + (s.count > s.lines.length ? ' …' : '');
}

/** Splits a CSV file into usage events, dead letters and context, one physical line at a time. */
export class CsvParser implements FieldContext {
  private readonly usage: UsageLineBuilder;
  private readonly mapping: CsvMapping;
  private readonly maxLineBytes: number;
  private readonly maxRecordLines: number;
  private readonly maxQuoteErrors: number;
  private readonly scanner: RecordScanner;
  private readonly quoteByte: number;
  readonly dateFormat: CsvDateFormat;
  readonly decimalSeparator: '.' | ',';
  readonly multiSeparator: string;
  private readonly required: ReadonlySet<CsvTargetField>;

  private phase: 'header' | 'data' | 'stopped' = 'header';
  private fileErrorText: string | null = null;
  private readonly tally: Tally;
  private physicalLines = 0;

  // header phase
  private readonly headerSearch: HeaderSearch;
  private headerLineNumber: number | null = null;
  private header: string[] = [];

  // data phase
  private width = 0;
  private plan: MappedColumn[] = [];
  private extraColumns: ExtraColumn[] = [];
  private usagesIndex = -1;
  private hasResource = false;
  private hasRelease = false;
  readonly dateCache = new Map<string, string | null>();

  // a record whose quoted field is still open at the end of its last line
  private readonly open: OpenRecord;
  private quoteErrors = 0;

  private readonly blankRows: LineSample = { count: 0, lines: [] };
  private readonly trailingEmpty: LineSample = { count: 0, lines: [] };
  private readonly irregularRows: LineSample = { count: 0, lines: [] };
  private readonly multiLineRows: LineSample = { count: 0, lines: [] };

  constructor(options: CsvParserOptions) {
    const parsed = csvMappingSchema.safeParse(options.mapping);
    if (!parsed.success) {
      throw new RangeError(
        `invalid CSV mapping for ${options.mapping.sender}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(mapping)'}: ${i.message}`).join('; ')}`,
      );
    }
    const mapping = parsed.data;
    this.usage = new UsageLineBuilder(options.fileId, options.sender, 'CSV');
    this.mapping = mapping;
    this.maxLineBytes = positive(options.maxLineBytes, DEFAULT_MAX_LINE_BYTES, 'maxLineBytes');
    this.maxRecordLines = positive(options.maxRecordLines, DEFAULT_MAX_RECORD_LINES, 'maxRecordLines');
    this.maxQuoteErrors = positive(options.maxQuoteErrors, DEFAULT_MAX_QUOTE_ERRORS, 'maxQuoteErrors');
    this.tally = new Tally(options.maxWarnings ?? 200);
    this.scanner = new RecordScanner(mapping.delimiter, mapping.quote);
    this.quoteByte = Buffer.from(mapping.quote, 'utf8')[0] as number;
    if (
      Buffer.byteLength(mapping.quote, 'utf8') !== 1 ||
      Buffer.byteLength(mapping.delimiter, 'utf8') !== 1
    ) {
      throw new RangeError('the CSV delimiter and quote must be ASCII characters');
    }
    this.dateFormat = mapping.dateFormat ?? 'YYYY-MM-DD';
    this.decimalSeparator = mapping.decimalSeparator;
    this.multiSeparator = mapping.multiValueSeparator;
    this.required = new Set<CsvTargetField>([...(mapping.required ?? []), 'usages']);
    this.open = new OpenRecord(this.scanner, this.quoteByte, this.maxLineBytes, this.maxRecordLines);
    this.headerSearch = new HeaderSearch(mapping, this.scanner, this.maxLineBytes, this.required, (message) =>
      this.tally.warn(message),
    );
    if (mapping.sender !== options.sender) {
      this.tally.warn(`the mapping is for sender ${mapping.sender}, the file comes from ${options.sender}`);
    }
  }

  /** Set when the file should be refused (see CsvFileSummary.fileError). */
  get fileError(): string | null {
    return this.fileErrorText;
  }

  /** True once the parser takes no more input (the file was refused or given up). */
  get stopped(): boolean {
    return this.phase === 'stopped';
  }

  /** Feeds the next physical line; appends its outcomes (none, one or several) to `out`. */
  push(line: Line, out: LineOutcome[]): void {
    if (this.phase === 'stopped') return;
    this.physicalLines = line.lineNumber;
    if (this.phase === 'data') this.dataLine(line, out);
    else this.headerPhaseLine(line, out);
  }

  /** Ends the file: resolves a record left open, and returns the summary. */
  finish(out: LineOutcome[]): CsvFileSummary {
    if (this.phase === 'header') this.stop(this.headerSearch.endOfFile(this.physicalLines));
    while (this.phase === 'data' && this.open.isOpen) {
      this.open.endOfFile();
      this.unbalanced(out);
    }
    if (this.blankRows.count > 0) {
      this.tally.warn(
        `${this.blankRows.count} blank row(s) were skipped (lines ${linesText(this.blankRows)})`,
      );
    }
    if (this.trailingEmpty.count > 0) {
      this.tally.warn(
        `${this.trailingEmpty.count} row(s) have empty cells after the header's ${this.width} columns (a trailing delimiter); they were ignored (lines ${linesText(this.trailingEmpty)})`,
      );
    }
    if (this.irregularRows.count > 0) {
      this.tally.warn(
        `${this.irregularRows.count} row(s) use quotes outside RFC 4180 (a quote inside an unquoted value, or text after a closing quote); such quotes were read as literal text (lines ${linesText(this.irregularRows)})`,
      );
    }
    if (this.multiLineRows.count > 0) {
      this.tally.warn(
        `${this.multiLineRows.count} record(s) span several lines (quoted values with line breaks), so counts.lines is less than the ${this.physicalLines} physical lines (records starting at lines ${linesText(this.multiLineRows)})`,
      );
    }
    return {
      fileError: this.fileErrorText,
      counts: { ...this.tally.counts },
      physicalLines: this.physicalLines,
      headerLine: this.headerLineNumber,
      columns: [...this.header],
      deadByClass: { ...this.tally.deadByClass },
      warnings: this.tally.warningList(),
    };
  }

  // ---------------------------------------------------------------------------------------
  // preamble and header (header.ts)

  private headerPhaseLine(line: Line, out: LineOutcome[]): void {
    const step = this.headerSearch.line(line);
    if (step === 'refused') return this.stop(this.headerSearch.fileError as string);
    if (step === 'found') this.startData(this.headerSearch.layout as CsvLayout, out);
  }

  /** Yields the preamble and the header row as context, and reads records from now on. */
  private startData(layout: CsvLayout, out: LineOutcome[]): void {
    this.plan = layout.plan;
    this.extraColumns = layout.extraColumns;
    this.usagesIndex = layout.usagesIndex;
    this.hasResource = layout.hasResource;
    this.hasRelease = layout.hasRelease;
    this.width = layout.width;
    this.open.width = layout.width;
    this.header = layout.header;
    this.headerLineNumber = layout.line;
    for (const p of this.headerSearch.preamble) this.tally.context(p, PREAMBLE_RECORD_TYPE, out);
    this.tally.context(layout.line, HEADER_RECORD_TYPE, out);
    this.phase = 'data';
  }

  // ---------------------------------------------------------------------------------------
  // records

  private dataLine(line: Line, out: LineOutcome[]): void {
    if (this.open.isOpen) return this.continuation(line, out);
    if (line.tooLong === true) return this.tally.dead([line], out, tooLong(line, this.maxLineBytes));
    const bytes = line.bytes;
    if (bytes.length === 0) {
      sample(this.blankRows, line.lineNumber);
      return this.tally.context(line.lineNumber, '', out);
    }
    const text = bytes.toString('utf8');
    if (bytes.indexOf(this.quoteByte) === -1) {
      return this.record([line], text.split(this.mapping.delimiter), out);
    }
    const r = this.scanner.scan(text);
    if (r.kind === 'cells') {
      if (r.irregular) sample(this.irregularRows, line.lineNumber);
      return this.record([line], r.cells, out);
    }
    if (r.kind === 'error') {
      return this.tally.dead([line], out, {
        errorClass: 'WRONG_CELL_COUNT',
        message: `the row cannot be split into cells: ${r.message}`,
      });
    }
    this.open.start(line, text, r.cell);
  }

  /** The next line while a quoted field is open. */
  private continuation(line: Line, out: LineOutcome[]): void {
    const open = this.open;
    const step = open.add(line);
    if (step === 'open') return;
    if (step === 'unbalanced') {
      this.unbalanced(out);
      // a line too long to join the record was not added to it: it is read on its own
      if (line.tooLong === true && this.phase === 'data') this.dataLine(line, out);
      return;
    }
    const lines = open.take();
    sample(this.multiLineRows, (lines[0] as Line).lineNumber);
    if (open.irregular) sample(this.irregularRows, (lines[0] as Line).lineNumber);
    this.record(lines, open.cells, out);
  }

  /**
   * The open record cannot be read: dead-letters the line it starts on alone, and feeds the
   * lines after it again.
   */
  private unbalanced(out: LineOutcome[]): void {
    const fault = this.open.fault(this.header, (this.open.lines[0] as Line).lineNumber);
    const [first, ...rest] = this.open.take() as [Line, ...Line[]];
    this.tally.dead([first], out, fault);
    this.quoteErrors++;
    if (this.quoteErrors > this.maxQuoteErrors) {
      return this.stop(
        `more than ${this.maxQuoteErrors} lines have unbalanced quotes (the last at line ${first.lineNumber}); reading stopped there and lines from ${first.lineNumber + 1} on were not read — is the mapping's quote character (${q(this.mapping.quote)}) right?`,
      );
    }
    for (const l of rest) {
      if (this.phase !== 'data') return;
      this.dataLine(l, out);
    }
  }

  /** One complete record: validate it and build the usage event. */
  private record(lines: Line[], cells: string[], out: LineOutcome[]): void {
    const n = (lines[0] as Line).lineNumber;
    for (let i = 0; i < lines.length; i++) {
      if (!isUtf8((lines[i] as Line).bytes)) return this.invalidUtf8(lines, out);
    }
    const width = this.width;
    if ((cells.length === 1 || isBlank(cells[this.usagesIndex] ?? '')) && cells.every((c) => isBlank(c))) {
      sample(this.blankRows, n);
      return this.tally.context(n, '', out);
    }
    if (cells.length !== width) {
      if (cells.length < width)
        return this.tally.dead(
          lines,
          out,
          shortRow(cells, this.header, this.headerLineNumber, this.mapping.delimiter),
        );
      for (let i = width; i < cells.length; i++) {
        if (!isBlank(cells[i] as string))
          return this.tally.dead(
            lines,
            out,
            longRow(cells, this.header, this.headerLineNumber, this.mapping.delimiter),
          );
      }
      sample(this.trailingEmpty, n);
    }

    const resource = this.hasResource ? emptyResource(n) : null;
    const release = this.hasRelease ? emptyRelease() : null;
    const value = this.usage.start(n, CSV_RECORD_TYPE, resource ? [resource] : [], release, null);
    let faults: Fault[] | null = null;
    const plan = this.plan;
    for (let k = 0; k < plan.length; k++) {
      const col = plan[k] as MappedColumn;
      const raw = cells[col.index] as string;
      if (col.kind === 'text') {
        if (isBlank(raw)) {
          if (col.required) (faults ??= []).push(missingCell(col));
          continue;
        }
        assign(value, resource, release, col.field, raw);
        continue;
      }
      const v = raw.trim();
      if (v === '') {
        if (col.required) (faults ??= []).push(missingCell(col));
        continue;
      }
      const fault = readColumn(this, col, raw, v, value, resource, release);
      if (fault !== null) (faults ??= []).push(fault);
    }
    if (faults !== null) return this.tally.dead(lines, out, firstOf(faults));
    const extra = this.extraColumns;
    for (let k = 0; k < extra.length; k++) {
      const e = extra[k] as ExtraColumn;
      if (e.index >= cells.length) break;
      const v = cells[e.index] as string;
      if (!isBlank(v)) value.extra[e.name] = v;
    }
    this.tally.usage(lines, value, out);
  }

  private invalidUtf8(lines: Line[], out: LineOutcome[]): void {
    const bytes = recordBytes(lines);
    this.tally.dead(
      lines,
      out,
      invalidUtf8(bytes, (lines[0] as Line).byteOffset, this.scanner, this.header),
      bytes,
    );
  }

  private stop(fileError: string): void {
    this.fileErrorText = fileError;
    this.phase = 'stopped';
    this.open.take();
  }
}

/** The resource a record's mapped columns fill in. */
function emptyResource(sourceLineNumber: number): Resource {
  return {
    resourceRef: null,
    dspResourceId: null,
    isrc: null,
    title: null,
    subTitle: null,
    displayArtists: [],
    durationSeconds: null,
    resourceType: null,
    iswc: null,
    composers: [],
    publishers: [],
    sourceLineNumber,
  };
}

/** The release a record's mapped columns fill in. */
function emptyRelease(): Release {
  return { releaseRef: null, dspReleaseId: null, icpn: null, title: null, displayArtists: [], label: null };
}

function positive(v: number | undefined, dflt: number, name: string): number {
  const x = v ?? dflt;
  if (!Number.isInteger(x) || x < 1) throw new RangeError(`${name} must be a positive integer, got ${x}`);
  return x;
}
