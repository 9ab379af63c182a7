// The header phase of a CSV file: the preamble, the header row (at `headerLine`, or searched
// for with `findHeader`) and the reading plan built from it. See parser.ts for the decisions.
import { quoteValue as q } from '../../core/values/index.ts';
import type { Line } from '../lines/line-reader.ts';
import { KIND, type MappedColumn } from './fields.ts';
import {
  headerKey,
  RELEASE_FIELDS,
  RESOURCE_FIELDS,
  type CsvMapping,
  type CsvTargetField,
} from './mapping.ts';
import { delimiterName, listFirst } from './messages.ts';
import { RecordScanner } from './scan.ts';

/** An unmapped column, read into `extra` under its name. */
export interface ExtraColumn {
  index: number;
  name: string;
}

/** What the header row tells the data phase: where each column is and how to read it. */
export interface CsvLayout {
  /** 1-based line of the header row */
  line: number;
  /** the header row's names, trimmed */
  header: string[];
  width: number;
  /** the mapped columns in column order */
  plan: MappedColumn[];
  extraColumns: ExtraColumn[];
  usagesIndex: number;
  hasResource: boolean;
  hasRelease: boolean;
}

/** What one line of the header phase did: 'more' (preamble, keep reading), 'found' or 'refused'. */
export type HeaderStep = 'more' | 'found' | 'refused';

const RELEASE_TARGETS: ReadonlySet<CsvTargetField> = new Set(RELEASE_FIELDS);
const RESOURCE_TARGETS: ReadonlySet<CsvTargetField> = new Set(RESOURCE_FIELDS);
const BOM = [0xef, 0xbb, 0xbf] as const;
const OTHER_DELIMITERS = [',', ';', '\t', '|'];

/** Reads lines until the header row is found (`layout`) or the file is refused (`fileError`). */
export class HeaderSearch {
  /** line numbers of the preamble, to be yielded as context once the header is found */
  readonly preamble: number[] = [];
  layout: CsvLayout | null = null;
  fileError: string | null = null;
  private bestCandidate: { line: number; missing: string[] } | null = null;

  constructor(
    private readonly mapping: CsvMapping,
    private readonly scanner: RecordScanner,
    private readonly maxLineBytes: number,
    private readonly required: ReadonlySet<CsvTargetField>,
    private readonly warn: (message: string) => void,
  ) {}

  line(line: Line): HeaderStep {
    const m = this.mapping;
    const n = line.lineNumber;
    let bytes = line.bytes;
    if (n === 1 && bytes.length >= 3 && bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2]) {
      bytes = bytes.subarray(3);
      if (!m.bom)
        this.warn(
          'the file starts with a UTF-8 byte order mark, which the mapping does not expect; it was ignored',
        );
    }
    if (n < m.headerLine) {
      this.preamble.push(n);
      return 'more';
    }
    const read = this.readHeader(line, bytes);
    if (!m.findHeader) {
      if ('problem' in read) return this.refuse(`the header row (line ${n}) ${read.problem}`);
      const matched = this.matchHeader(read.cells);
      if (matched.missing.length > 0) {
        return this.refuse(
          `the header row (line ${n}) lacks the mapped column(s) ${matched.missing.map((h) => q(h)).join(', ')}; its columns are ${listFirst(read.cells.map((c) => q(c)))}${this.delimiterHint(bytes)}`,
        );
      }
      return this.found(n, read.cells);
    }
    if (!('problem' in read)) {
      const matched = this.matchHeader(read.cells);
      if (matched.missing.length === 0) return this.found(n, read.cells);
      if (this.bestCandidate === null || matched.missing.length < this.bestCandidate.missing.length) {
        this.bestCandidate = { line: n, missing: matched.missing };
      }
    }
    this.preamble.push(n);
    if (n >= m.headerLine + m.findHeader.maxLines - 1) return this.refuse(this.noHeaderText(m.headerLine, n));
    return 'more';
  }

  /** Why the file is refused when it ends, at line `last`, before its header row. */
  endOfFile(last: number): string {
    const m = this.mapping;
    if (last === 0) return 'the file is empty';
    if (m.findHeader && last >= m.headerLine) return this.noHeaderText(m.headerLine, last);
    if (m.findHeader) {
      return `the file ends at line ${last}, before line ${m.headerLine} where the search for the header row starts`;
    }
    return `the file ends at line ${last}, before the header row expected at line ${m.headerLine}`;
  }

  private refuse(fileError: string): HeaderStep {
    this.fileError = fileError;
    return 'refused';
  }

  private noHeaderText(from: number, to: number): string {
    const names = Object.keys(this.mapping.columns).map((h) => q(h));
    let text =
      from === to
        ? `no header row: line ${from} does not contain all mapped columns (${listFirst(names)})`
        : `no header row: none of lines ${from}–${to} contains all mapped columns (${listFirst(names)})`;
    const best = this.bestCandidate;
    if (best !== null && best.missing.length < names.length) {
      text += `; the closest, line ${best.line}, lacks ${best.missing.map((h) => q(h)).join(', ')}`;
    }
    return text;
  }

  private readHeader(line: Line, bytes: Buffer): { cells: string[] } | { problem: string } {
    if (line.tooLong === true) return { problem: `is longer than ${this.maxLineBytes} bytes` };
    const text = bytes.toString('utf8');
    const r = this.scanner.scan(text);
    if (r.kind === 'open') {
      return { problem: `has an unbalanced quote in cell ${r.cell + 1} (a header row must be one line)` };
    }
    if (r.kind === 'error') return { problem: `cannot be read: ${r.message}` };
    return { cells: r.cells };
  }

  /** Mapped header names (as in the mapping) not found among `cells`. */
  private matchHeader(cells: string[]): { missing: string[] } {
    const present = new Set(cells.map(headerKey));
    return { missing: Object.keys(this.mapping.columns).filter((h) => !present.has(headerKey(h))) };
  }

  /** When the header would hold every mapped column if split on another delimiter. */
  private delimiterHint(bytes: Buffer): string {
    const text = bytes.toString('utf8');
    for (const d of OTHER_DELIMITERS) {
      if (d === this.mapping.delimiter || !text.includes(d)) continue;
      const keys = new Set(
        new RecordScanner(d, this.mapping.quote === d ? '"' : this.mapping.quote)
          .cellsOf(text)
          .map(headerKey),
      );
      if (Object.keys(this.mapping.columns).every((h) => keys.has(headerKey(h)))) {
        return ` — split on ${delimiterName(d)} instead of ${delimiterName(this.mapping.delimiter)} it has them all: is the mapping's delimiter right?`;
      }
    }
    return '';
  }

  /** The header row at line `n` has every mapped column: builds the layout from it. */
  private found(n: number, cells: string[]): HeaderStep {
    const byKey = new Map<string, number[]>();
    cells.forEach((c, i) => {
      const k = headerKey(c);
      const list = byKey.get(k);
      if (list) list.push(i);
      else byKey.set(k, [i]);
    });
    const plan: MappedColumn[] = [];
    const mappedIdx = new Set<number>();
    for (const [header, field] of Object.entries(this.mapping.columns)) {
      const idx = byKey.get(headerKey(header)) as number[];
      if (idx.length > 1) {
        return this.refuse(
          `the header row (line ${n}) has the mapped column ${q(header)} ${idx.length} times (cells ${idx.map((i) => i + 1).join(', ')}); which one to read is ambiguous`,
        );
      }
      const index = idx[0] as number;
      const written = (cells[index] as string).trim();
      if (written !== header.trim()) {
        this.warn(
          `column ${q(written)} (cell ${index + 1}) was matched to the mapping's ${q(header)} ignoring case and spaces`,
        );
      }
      mappedIdx.add(index);
      plan.push({ index, header: written, field, kind: KIND[field], required: this.required.has(field) });
    }
    plan.sort((a, b) => a.index - b.index);
    const extraColumns = this.extraColumns(cells, mappedIdx);
    this.layout = {
      line: n,
      header: cells.map((c) => c.trim()),
      width: cells.length,
      plan,
      extraColumns,
      usagesIndex: (plan.find((p) => p.field === 'usages') as MappedColumn).index,
      hasResource: plan.some((p) => RESOURCE_TARGETS.has(p.field)),
      hasRelease: plan.some((p) => RELEASE_TARGETS.has(p.field)),
    };
    if (this.mapping.findHeader && n !== this.mapping.headerLine) {
      this.warn(`the header row was found at line ${n} (${this.preamble.length} preamble line(s))`);
    }
    return 'found';
  }

  /** The unmapped columns, named by their header (made unique) or by their position. */
  private extraColumns(cells: string[], mappedIdx: ReadonlySet<number>): ExtraColumn[] {
    const extra: ExtraColumn[] = [];
    const used = new Set<string>();
    cells.forEach((c, index) => {
      if (mappedIdx.has(index)) return;
      let name = c.trim() === '' ? `column ${index + 1}` : c.trim();
      if (used.has(name)) {
        const renamed = `${name} (column ${index + 1})`;
        this.warn(
          `the header row has the unmapped column ${q(name)} more than once; cell ${index + 1} goes to extra as ${q(renamed)}`,
        );
        name = renamed;
      }
      used.add(name);
      extra.push({ index, name });
    });
    return extra;
  }
}
