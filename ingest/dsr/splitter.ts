/**
 * DSR flat-file splitter: a streaming state machine fed one physical line at a time, giving
 * exactly one outcome per line — a usage event, a dead letter, or a context line.
 *
 * A usage line is not self-contained (DOMAIN.md): it points to its resource and release by
 * block-local references and to its summary record by SummaryRecordId. The splitter keeps the
 * current block and all summary records, and attaches that context to each usage event. A
 * context line that is dead-lettered (a resource with a bad ISRC, a summary with a bad
 * revenue) is remembered, so that usage lines depending on it become ORPHANED — naming the
 * root-cause line — rather than UNKNOWN_REFERENCE or, worse, emitted with missing context.
 *
 * Tolerance decisions (see also cells.ts for escapes):
 *
 * - Trailing empty cells beyond a record's definition are fine (the BasicAudioProfile sample
 *   pads every line to 22 cells). A non-empty cell beyond the definition is WRONG_CELL_COUNT.
 * - A line shorter than its definition is fine when only optional trailing cells are missing
 *   (spreadsheet exports drop trailing empty cells). If a required cell falls in the missing
 *   part the line is WRONG_CELL_COUNT; a required cell that is present but empty is
 *   MISSING_REQUIRED_CELL. Short lines are summed up in one warning per record type.
 * - Cells are read by position, as the standard defines. The UGC sample's MW01.01 line for
 *   block 2 has 6 of 16 cells: BlockId, DspWorkId, ISWC, Title and then "myns::4535" where
 *   SubTitle belongs — the SubTitle and ComposerAuthor cells were dropped, so a composer
 *   party id slid into the SubTitle position. Everything missing is optional, so the line is
 *   accepted: the work's ISWC (T9109247316, valid) still reaches the usage line, no composer
 *   is invented, and a warning names the line and the id-shaped value in a name cell, so the
 *   sender can be asked. Dead-lettering it would orphan the block's usage over a cosmetic
 *   fault; re-aligning cells by guesswork would be silent data corruption.
 * - Required cells are the keys (BlockId, references, SummaryRecordId), the usage count, and
 *   a summary's CommercialModel and Territory (the sales context). Other mandatory-by-spec
 *   descriptive cells (titles, artist names) are not enforced: a usage line without a
 *   release title is still worth matching.
 * - Usage is linked to resources by ResourceReference (TransactedResource), never by DSP id.
 *   When a block's ResourceReferences embed another resource's DspResourceId (the BasicAudio
 *   sample's block 3 swaps two), a warning names both lines; the events carry both ids.
 * - A SummaryRecordId used by several summary lines (the UGC sample has four SY02.01 lines
 *   with id 1, one per rights controller) gives usage lines a Summary with the cells those
 *   lines agree on; cells that differ (NetRevenue, Usages) are null there, and every line is
 *   available in FileSummary.summaries.
 * - HEAD and FOOT are never dead-lettered: problems there are file-level and reported as
 *   warnings, fileError and footerCheck.
 * - A dead-lettered MW01 orphans the usage of the resource it describes: the work is part of
 *   that usage's context. A line that cannot be read at all (unknown record type, no key)
 *   inside a block turns an unresolvable reference of that block into ORPHANED naming it as
 *   the likely cause, instead of UNKNOWN_REFERENCE.
 * - Typed cells are validated wherever they appear, context lines included; a boolean that is
 *   not TRUE/FALSE/1/0/yes/no is INVALID_BOOLEAN (a class beyond the brief's list).
 *
 * Events: `extra` holds the usage record's own non-empty cells that have no UsageLine field,
 * by canonical name (BlockId, PromotionalActivity, SU03 NetRevenue and DspReleaseId, …), and
 * `summary.ServiceDescription`; the other summary cells are in FileSummary.summaries. Events
 * share the Resource, Release and Summary objects of their block and summary: treat them as
 * immutable. Later lines never change an object already handed out (a following MW01 gives
 * the resource a new object).
 */

import { isUtf8 } from 'node:buffer';
import type { LineCounts, Release, Resource, Summary } from '../../core/schemas/types.ts';
import { normaliseIsrc, normaliseIswc } from '../../core/identifiers/index.ts';
import { findInvalidUtf8, hexByte } from '../lines/utf8.ts';
import { UsageLineBuilder } from '../usage-line.ts';
import { multiValues, splitCells, splitMultiValue, splitPlain, unescapeCell } from './cells.ts';
import {
  builtinCellNames,
  canonicalCellName,
  isKnownBase,
  isKnownCellName,
  knownRecordTypes,
  parseRecordTypeName,
  resolveRecord,
  type RecordLayout,
} from './record-types.ts';
import {
  hasFraction,
  isDecimal,
  isInteger,
  parseBool,
  parseCount,
  parseDateTime,
  parseDurationSeconds,
  parseIsoDate,
  quoteValue as q,
} from '../../core/values/index.ts';
import type {
  ContextOutcome,
  DeadOutcome,
  DsrErrorClass,
  DsrHead,
  FileSummary,
  InputLine,
  LineOutcome,
  SummaryRecordLine,
  UsageOutcome,
} from './types.ts';

export interface DsrSplitterOptions {
  /** id of the file (derived from its content hash); lineId = `${fileId}:${lineNumber}` */
  fileId: string;
  /** the sender the file came from, copied to every event */
  sender: string;
  /** longest line accepted, in bytes (default 8 MiB) */
  maxLineBytes?: number;
  /** most warnings kept (default 200); the rest are counted */
  maxWarnings?: number;
}

const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;
const HASH = 0x23;
const TAB = 0x09;

interface DeadRef {
  lineNumber: number;
  errorClass: DsrErrorClass;
  message: string;
  recordType: string;
}

interface Fault {
  errorClass: DsrErrorClass;
  message: string;
  cell?: string;
  stage: 'parse' | 'validate';
  rootCauseLine?: number;
}

interface ResourceEntry {
  resource: Resource;
  lineNumber: number;
  /** a dead-lettered MW01 line describing this resource's work */
  workDead: DeadRef | null;
}

interface ReleaseEntry {
  release: Release;
  lineNumber: number;
  recordType: string;
  /** RE02 sub-releases list their resources; RE01 (head release) covers the whole block */
  usedResources: string[] | null;
}

interface SummaryEntry {
  summary: Summary;
  lines: number[];
  cells: Record<string, string>;
  differing: Set<string>;
  serviceDescription: string | null;
}

class Block {
  readonly releases = new Map<string, ReleaseEntry>();
  headRelease: ReleaseEntry | null = null;
  headReleaseDead: DeadRef | null = null;
  readonly resources = new Map<string, ResourceEntry>();
  readonly order: ResourceEntry[] = [];
  readonly deadReleases = new Map<string, DeadRef>();
  readonly deadResources = new Map<string, DeadRef>();
  /** a dead line of this block whose own reference could not be read */
  unkeyedDead: DeadRef | null = null;
  lastResource: ResourceEntry | null = null;
  lastResourceDead: DeadRef | null = null;

  constructor(
    readonly id: string,
    readonly firstLine: number,
  ) {}
}

/** A kind of reference a usage line makes into its block, for `unresolved`. */
interface RefKind {
  noun: 'resource' | 'release';
  /** the usage cell holding the reference */
  cell: 'TransactedResource' | 'TransactedRelease';
  /** the cell of the referenced record that defines it */
  refName: 'ResourceReference' | 'ReleaseReference';
  known: 'resources' | 'releases';
  dead: 'deadResources' | 'deadReleases';
}

const RESOURCE_REF: RefKind = {
  noun: 'resource',
  cell: 'TransactedResource',
  refName: 'ResourceReference',
  known: 'resources',
  dead: 'deadResources',
};
const RELEASE_REF: RefKind = {
  noun: 'release',
  cell: 'TransactedRelease',
  refName: 'ReleaseReference',
  known: 'releases',
  dead: 'deadReleases',
};

/** Positions of the cells a usage record is built from, per layout. */
interface UsageCells {
  block: number;
  summary: number;
  tx: number;
  rel: number;
  res: number;
  dsp: number;
  royalty: number;
  count: number;
  price: number;
  useType: number;
  start: number;
  end: number;
  /** positions whose non-empty values go to `extra` */
  extra: number[];
}

interface Compiled {
  layout: RecordLayout;
  usage: UsageCells | null;
}

interface ShortLines {
  count: number;
  lines: number[];
  fewest: number;
  width: number;
}

const ID_SHAPED = /^[A-Za-z0-9_.-]+::\S+$/;

function pos(layout: RecordLayout, name: string): number {
  return layout.index.get(name) ?? -1;
}

function cell(vals: string[], i: number): string {
  return i >= 0 && i < vals.length ? (vals[i] as string) : '';
}

function key(vals: string[], i: number): string {
  return i >= 0 && i < vals.length ? (vals[i] as string).trim() : '';
}

function orNull(s: string): string | null {
  return s === '' ? null : s;
}

function listFirst(values: Iterable<string>, max = 5): string {
  const out: string[] = [];
  let more = 0;
  for (const v of values) {
    if (out.length < max) out.push(v);
    else more++;
  }
  return out.join(', ') + (more > 0 ? ` and ${more} more` : '');
}

export class DsrSplitter {
  private readonly usage: UsageLineBuilder;
  private readonly maxLineBytes: number;
  private readonly maxWarnings: number;

  private readonly counts: LineCounts = { lines: 0, emitted: 0, deadLettered: 0, context: 0 };
  private readonly deadByClass: Partial<Record<DsrErrorClass, number>> = {};
  private readonly warnings: string[] = [];
  private suppressedWarnings = 0;

  private headRecord: DsrHead | null = null;
  private firstRecordSeen = false;
  private fileErrorText: string | null = null;
  private periodStart: string | null = null;
  private periodEnd: string | null = null;

  /** number of cells of the current line as written (trailing empty cells included) */
  private total = 0;
  private lastType = '';
  private lastCompiled: Compiled | null = null;

  private readonly headings = new Map<string, string[]>();
  private readonly compiled = new Map<string, Compiled | null>();
  private readonly reportedFallbacks = new Set<string>();

  private readonly summaries = new Map<string, SummaryEntry>();
  private readonly deadSummaries = new Map<string, DeadRef>();
  private unkeyedDeadSummary: DeadRef | null = null;
  private readonly summaryLines: SummaryRecordLine[] = [];
  private summaryRecordCount = 0;

  private block: Block | null = null;
  private blockCount = 0;

  private footer: { recordType: string; lineNumber: number; cells: Record<string, string> } | null = null;
  private linesAfterFooter = 0;
  private readonly shortLines = new Map<string, ShortLines>();

  constructor(options: DsrSplitterOptions) {
    this.usage = new UsageLineBuilder(options.fileId, options.sender, 'DSR');
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.maxWarnings = options.maxWarnings ?? 200;
  }

  /** A file-level fault known so far (set as soon as the first record is seen). */
  get fileError(): string | null {
    return this.fileErrorText;
  }

  get head(): DsrHead | null {
    return this.headRecord;
  }

  // ---------------------------------------------------------------------------------------
  // entry point

  accept(line: InputLine): LineOutcome {
    const n = line.lineNumber;
    this.counts.lines++;
    if (this.footer !== null) this.linesAfterFooter++;
    let bytes = line.bytes;
    let shift = 0;
    if (
      line.byteOffset === 0 &&
      bytes.length >= 3 &&
      bytes[0] === 0xef &&
      bytes[1] === 0xbb &&
      bytes[2] === 0xbf
    ) {
      bytes = bytes.subarray(3);
      shift = 3;
      this.warn('the file starts with a UTF-8 byte order mark; it was ignored');
    }
    if (line.tooLong === true || bytes.length > this.maxLineBytes) return this.lineTooLong(line, bytes);
    if (bytes.length === 0) return this.context(n, '');
    if (bytes[0] === HASH) return this.hashLine(n, bytes);
    if (!this.firstRecordSeen) this.checkFirstRecord(n, bytes);
    if (!isUtf8(bytes)) return this.invalidUtf8(line, bytes, shift);

    const text = bytes.toString('utf8');
    let raw: string[];
    let vals: string[];
    if (text.indexOf('\\') === -1) {
      // Trailing empty cells (many files pad every line to the widest record) are not
      // materialised; `total` keeps the cell count as written.
      const split = splitPlain(text);
      raw = split.cells;
      vals = raw;
      this.total = raw.length + split.trailingEmpty;
    } else {
      raw = splitCells(text);
      vals = raw.map(unescapeCell);
      this.total = raw.length;
    }
    const type = raw[0] as string;
    let c: Compiled | null;
    if (type === this.lastType) c = this.lastCompiled;
    else {
      c = this.compile(type);
      this.lastType = type;
      this.lastCompiled = c;
    }
    if (c === null) return this.unknownRecordType(line, raw, vals);
    const layout = c.layout;
    switch (layout.role) {
      case 'usage':
        return this.usageLine(line, c, raw, vals);
      case 'resource':
        return this.resourceLine(line, layout, raw, vals);
      case 'release':
        return this.releaseLine(line, layout, raw, vals);
      case 'work':
        return this.workLine(line, layout, raw, vals);
      case 'summary':
        return this.summaryLine(line, layout, raw, vals);
      case 'head':
        return this.headLine(n, layout, raw, vals);
      case 'footer':
        return this.footerLine(n, layout, vals);
      default:
        return this.otherLine(line, layout, raw, vals);
    }
  }

  finish(): FileSummary {
    if (this.block) this.closeBlock(this.block);
    this.block = null;
    if (this.fileErrorText === null && this.headRecord === null) {
      this.fileErrorText = this.firstRecordSeen
        ? 'not a DSR flat file: it has no HEAD record'
        : 'not a DSR flat file: it has no records at all';
    }
    for (const [type, s] of this.shortLines) {
      this.warn(
        `${type}: ${s.count} line${s.count === 1 ? ' has' : 's have'} fewer cells than the ${s.width} defined ` +
          `(line${s.count === 1 ? '' : 's'} ${listFirst(s.lines.map(String))}; fewest ${s.fewest}); ` +
          'the missing trailing cells are optional and were read as empty',
      );
    }
    for (const [id, entry] of this.summaries) {
      if (entry.lines.length > 1) {
        this.warn(
          `SummaryRecordId ${id} is used by ${entry.lines.length} summary lines (${listFirst(entry.lines.map(String))})` +
            (entry.differing.size > 0
              ? `, which differ in ${[...entry.differing].join(', ')}; usage lines referring to it carry only the cells those lines agree on (differing ones are null), and every line is in the file summary`
              : '; they agree on every cell'),
        );
      }
    }
    if (this.linesAfterFooter > 0 && this.footer) {
      this.warn(
        `${this.linesAfterFooter} line(s) follow the ${this.footer.recordType} record at line ${this.footer.lineNumber}`,
      );
    }
    const warnings = [...this.warnings];
    if (this.suppressedWarnings > 0) warnings.push(`… and ${this.suppressedWarnings} more warnings`);
    return {
      fileError: this.fileErrorText,
      head: this.headRecord,
      counts: { ...this.counts },
      footerCheck: this.footerCheck(),
      footer: this.footer ? { ...this.footer.cells } : null,
      blocks: this.blockCount,
      summaryRecords: this.summaryRecordCount,
      summaries: this.summaryLines,
      deadByClass: { ...this.deadByClass },
      warnings,
    };
  }

  // ---------------------------------------------------------------------------------------
  // outcomes and bookkeeping

  private context(lineNumber: number, recordType: string): ContextOutcome {
    this.counts.context++;
    return { kind: 'context', lineNumber, recordType };
  }

  private dead(line: InputLine, recordType: string | undefined, fault: Fault): DeadOutcome {
    this.counts.deadLettered++;
    this.deadByClass[fault.errorClass] = (this.deadByClass[fault.errorClass] ?? 0) + 1;
    const out: DeadOutcome = {
      kind: 'dead',
      lineNumber: line.lineNumber,
      bytes: line.bytes,
      byteOffset: line.byteOffset,
      stage: fault.stage,
      errorClass: fault.errorClass,
      message: fault.message,
    };
    if (recordType !== undefined && recordType !== '') out.recordType = recordType;
    if (fault.cell !== undefined) out.cell = fault.cell;
    if (fault.rootCauseLine !== undefined) out.rootCauseLine = fault.rootCauseLine;
    return out;
  }

  private warn(message: string): void {
    if (this.warnings.length < this.maxWarnings) this.warnings.push(message);
    else this.suppressedWarnings++;
  }

  private compile(type: string): Compiled | null {
    let c = this.compiled.get(type);
    if (c !== undefined) return c;
    const layout = resolveRecord(type, this.headings);
    c = layout ? { layout, usage: layout.role === 'usage' ? usageCells(layout) : null } : null;
    this.compiled.set(type, c);
    if (layout?.fallback && !this.reportedFallbacks.has(layout.written)) {
      this.reportedFallbacks.add(layout.written);
      this.warn(
        `record type ${layout.written} is not a version this parser knows; it is read with the ${layout.base}` +
          `${layout.layoutVersion ? `.${layout.layoutVersion}` : ''} layout`,
      );
    }
    return c;
  }

  private checkFirstRecord(n: number, bytes: Buffer): void {
    this.firstRecordSeen = true;
    const head = bytes.subarray(0, 4).toString('latin1');
    const next = bytes.length > 4 ? bytes[4] : TAB;
    if ((head === 'HEAD' || head === 'FHEA') && next === TAB) {
      const cr = bytes.indexOf(0x0d);
      if (cr !== -1) {
        this.fileErrorText = `not a DSR flat file as delivered: the HEAD record (line ${n}) contains a carriage return at byte ${cr} that does not end a line; lines must end with LF or CRLF`;
      }
      return;
    }
    const shown = bytes.subarray(0, 60).toString('utf8');
    if (head === 'HEAD' || head === 'FHEA') {
      this.fileErrorText = `not a DSR flat file: the first record (line ${n}) ${q(shown)} starts with ${head} but is not tab-separated`;
    } else {
      this.fileErrorText = `not a DSR flat file: the first record (line ${n}) is ${q(shown)}, expected a HEAD record`;
    }
  }

  // ---------------------------------------------------------------------------------------
  // generic validation

  private validate(L: RecordLayout, vals: string[]): Fault | null {
    const len = vals.length;
    const total = this.total;
    if (L.missingRequired.length > 0) {
      const name = L.missingRequired[0] as string;
      return {
        stage: 'validate',
        errorClass: 'MISSING_REQUIRED_CELL',
        cell: name,
        message: `${L.written} has no ${name} cell: the file's #${L.written} heading does not name it, and ${name} is required`,
      };
    }
    if (len > L.width && !L.open) {
      for (let i = L.width; i < len; i++) {
        const v = vals[i] as string;
        if (v !== '' && v.trim() !== '') {
          return {
            stage: 'parse',
            errorClass: 'WRONG_CELL_COUNT',
            cell: `Cell${i + 1}`,
            message:
              `${L.written} has ${total} cells but ${L.width} are defined${L.source === 'heading' ? ' by its heading' : ''}; ` +
              `cell ${i + 1} holds ${q(v)} where no cell is defined (a TAB inside a value must be escaped as \\<TAB>)`,
          };
        }
      }
    }
    const required = L.required;
    for (let k = 0; k < required.length; k++) {
      const r = required[k] as number;
      if (r >= total) {
        return {
          stage: 'parse',
          errorClass: 'WRONG_CELL_COUNT',
          cell: L.names[r] as string,
          message: `${L.written} has only ${total} cells; the required cell ${L.names[r]} is cell ${r + 1} of ${L.width}`,
        };
      }
      const v = r < len ? (vals[r] as string) : '';
      if (v === '' || v.trim() === '') {
        return {
          stage: 'validate',
          errorClass: 'MISSING_REQUIRED_CELL',
          cell: L.names[r] as string,
          message: `${L.written} cell ${r + 1} (${L.names[r]}) is empty; it is required`,
        };
      }
    }
    const typed = L.typed;
    for (let k = 0; k < typed.length; k++) {
      const t = typed[k] as number;
      if (t >= len) break;
      const v = vals[t] as string;
      if (v === '') continue;
      const f = this.checkKind(L, t, v);
      if (f !== null) return f;
    }
    return null;
  }

  private checkKind(L: RecordLayout, t: number, value: string): Fault | null {
    if (value.indexOf('|') === -1) return checkValue(L, t, value.trim());
    for (const v of splitMultiValue(value)) {
      const f = checkValue(L, t, v.trim());
      if (f !== null) return f;
    }
    return null;
  }

  /** Records a line shorter than its layout (after it passed validation). */
  private noteShort(n: number, L: RecordLayout, vals: string[]): void {
    let s = this.shortLines.get(L.written);
    if (!s) {
      s = { count: 0, lines: [], fewest: this.total, width: L.width };
      this.shortLines.set(L.written, s);
    }
    s.count++;
    if (s.lines.length < 20) s.lines.push(n);
    if (this.total < s.fewest) s.fewest = this.total;
    // An id-shaped value (ns::id) in a name cell of a short line suggests dropped cells.
    for (let i = 1; i < vals.length; i++) {
      const v = vals[i] as string;
      const c = L.canonical[i] as string;
      if (
        v.indexOf('::') !== -1 &&
        L.kinds[i] === 'text' &&
        !/Id$|ID$|Reference$/.test(c) &&
        ID_SHAPED.test(v)
      ) {
        this.warn(
          `line ${n}: ${L.written} has ${this.total} of ${L.width} cells and cell ${i + 1} (${L.names[i]}) holds ${q(v)}, ` +
            'which looks like a party id (ns::id): cells were probably dropped before it; values were read by position',
        );
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // blocks

  private enterBlock(blockId: string, n: number): Block {
    const current = this.block;
    if (current !== null && current.id === blockId) return current;
    if (current !== null) this.closeBlock(current);
    const b = new Block(blockId, n);
    this.block = b;
    this.blockCount++;
    return b;
  }

  /** Block-level checks that need the whole block: swapped resource references and DSP ids. */
  private closeBlock(b: Block): void {
    const order = b.order;
    if (order.length < 2) return;
    for (const e of order) {
      const r = e.resource;
      const ref = r.resourceRef;
      const dsp = r.dspResourceId;
      if (!ref || !dsp || ref.includes(dsp)) continue;
      for (const o of order) {
        const odsp = o.resource.dspResourceId;
        if (o === e || !odsp || odsp.length < 4 || !ref.includes(odsp)) continue;
        this.warn(
          `block ${b.id}: resource line ${e.lineNumber} has ResourceReference ${r.resourceRef} but DspResourceId ${dsp}, ` +
            `while the reference embeds DspResourceId ${odsp} of resource line ${o.lineNumber}; usage lines are linked by ` +
            'ResourceReference (TransactedResource) as the standard defines and carry both ids: check the DSP ids with the sender',
        );
        break;
      }
    }
  }

  /** Best effort: remembers a dead context line so that lines depending on it become ORPHANED. */
  private rememberDead(L: RecordLayout | null, vals: string[] | null, ref: DeadRef): void {
    if (L === null || vals === null) {
      if (this.block) this.block.unkeyedDead ??= ref;
      else this.unkeyedDeadSummary ??= ref;
      return;
    }
    const role = L.role;
    if (role === 'summary') {
      const id = key(vals, pos(L, 'SummaryRecordId'));
      if (id !== '') {
        if (!this.deadSummaries.has(id)) this.deadSummaries.set(id, ref);
      } else this.unkeyedDeadSummary ??= ref;
      return;
    }
    if (role !== 'release' && role !== 'resource' && role !== 'work') return;
    const blockId = key(vals, pos(L, 'BlockId'));
    if (blockId === '') {
      if (this.block) this.block.unkeyedDead ??= ref;
      return;
    }
    const b = this.enterBlock(blockId, ref.lineNumber);
    if (role === 'release') {
      const r = key(vals, pos(L, 'ReleaseReference'));
      if (r !== '') b.deadReleases.set(r, ref);
      else b.unkeyedDead ??= ref;
      if (L.base === 'RE01') b.headReleaseDead ??= ref;
    } else if (role === 'resource') {
      const r = key(vals, pos(L, 'ResourceReference'));
      if (r !== '') b.deadResources.set(r, ref);
      else b.unkeyedDead ??= ref;
      b.lastResource = null;
      b.lastResourceDead = ref;
    } else {
      const target = this.workTarget(b, L, vals);
      if (target) target.workDead ??= ref;
    }
  }

  // ---------------------------------------------------------------------------------------
  // line kinds

  private hashLine(n: number, bytes: Buffer): ContextOutcome {
    if (!isUtf8(bytes)) {
      this.warn(`line ${n}: a # line that is not valid UTF-8 was ignored`);
      return this.context(n, '#');
    }
    const raw = splitCells(bytes.toString('utf8'));
    const first = (raw[0] as string).trim();
    const typeText = first.slice(1).trim();
    const type = parseRecordTypeName(typeText);
    const names = raw.slice(1).map((s) => unescapeCell(s).trim());
    while (names.length > 0 && names[names.length - 1] === '') names.pop();
    if (type && isKnownBase(type.base) && names.length > 0 && looksLikeHeading(names)) {
      for (let i = 0; i < names.length; i++) if (names[i] === '') names[i] = `Cell${i + 2}`;
      const keyText = typeText.toUpperCase();
      this.headings.set(keyText, names);
      this.compiled.clear();
      this.lastType = '';
      this.lastCompiled = null;
      this.compareHeading(n, keyText, type.base, type.version, names);
    }
    return this.context(n, first === '' ? '#' : first);
  }

  private compareHeading(n: number, written: string, base: string, version: string, names: string[]): void {
    const layout = resolveRecord(written);
    if (!layout) return;
    const builtin = builtinCellNames(base, layout.layoutVersion) ?? [];
    const diffs: string[] = [];
    const width = Math.min(builtin.length, names.length);
    for (let i = 0; i < width; i++) {
      if (canonicalCellName(names[i] as string) !== builtin[i])
        diffs.push(`cell ${i + 2} is ${names[i]} here, ${builtin[i]} built in`);
    }
    if (diffs.length > 0) {
      this.warn(
        `line ${n}: the #${written} heading differs from the built-in ${base}${version ? `.${version}` : ''} layout ` +
          `(${listFirst(diffs, 3)}); ${written} lines are read by the heading's names`,
      );
    }
  }

  private lineTooLong(line: InputLine, bytes: Buffer): DeadOutcome {
    const length = line.byteLength ?? bytes.length;
    const kept = Math.min(bytes.length, this.maxLineBytes);
    const prefix = bytes.subarray(0, kept);
    if (!this.firstRecordSeen && prefix[0] !== HASH) this.checkFirstRecord(line.lineNumber, prefix);
    const cells = splitCells(prefix.toString('utf8'));
    const type = (cells[0] as string).trim();
    const c = prefix[0] === HASH ? null : this.compile(type);
    const ref: DeadRef = {
      lineNumber: line.lineNumber,
      errorClass: 'LINE_TOO_LONG',
      message: '',
      recordType: type,
    };
    const message =
      `line is ${length} bytes long, over the limit of ${this.maxLineBytes} bytes` +
      (c ? ` (record type ${c.layout.written})` : '') +
      `; only its first ${kept} bytes are kept in this dead letter`;
    ref.message = message;
    if (c) this.countForFooter(c.layout, cells);
    this.rememberDead(c ? c.layout : null, c ? cells.map(unescapeCell) : null, ref);
    return this.dead(
      { ...line, bytes: line.bytes.subarray(0, kept + (line.bytes.length - bytes.length)) },
      c ? type : undefined,
      {
        stage: 'parse',
        errorClass: 'LINE_TOO_LONG',
        message,
      },
    );
  }

  private invalidUtf8(line: InputLine, bytes: Buffer, shift: number): LineOutcome {
    const at = findInvalidUtf8(bytes);
    let cellNo = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === TAB) cellNo++;
    // decode with replacement characters: the keys of a context line are usually ASCII
    const lossy = bytes.toString('utf8');
    const raw = splitCells(lossy);
    const type = (raw[0] as string).trim();
    const c = this.compile(type);
    const cellName = c ? c.layout.names[cellNo - 1] : undefined;
    const message =
      `invalid UTF-8: byte ${hexByte(bytes[at] as number)} at byte ${at} of the line (byte ${line.byteOffset + shift + at} of the file), ` +
      `in cell ${cellNo}${cellName ? ` (${cellName})` : ''}${c ? ` of a ${c.layout.written} record` : ''}; ` +
      'DSR files must be UTF-8 (a byte like this usually means the text was written as Latin-1 or Windows-1252)';
    const vals = raw.map(unescapeCell);
    if (c && (c.layout.role === 'head' || c.layout.role === 'footer')) {
      // File-level records are never dead-lettered: read them with replacement characters.
      this.warn(
        `line ${line.lineNumber}: ${message}; the ${c.layout.written} record was read with U+FFFD in place of the invalid bytes`,
      );
      this.total = raw.length;
      return c.layout.role === 'head'
        ? this.headLine(line.lineNumber, c.layout, raw, vals)
        : this.footerLine(line.lineNumber, c.layout, vals);
    }
    const ref: DeadRef = {
      lineNumber: line.lineNumber,
      errorClass: 'INVALID_UTF8',
      message,
      recordType: type,
    };
    if (c) {
      this.countForFooter(c.layout, vals);
      this.rememberDead(c.layout, vals, ref);
    } else this.rememberDead(null, null, ref);
    const fault: Fault = { stage: 'parse', errorClass: 'INVALID_UTF8', message };
    if (cellName !== undefined) fault.cell = cellName;
    return this.dead(line, c ? type : undefined, fault);
  }

  private unknownRecordType(line: InputLine, raw: string[], vals: string[]): LineOutcome {
    const type = (raw[0] as string).trim();
    if (type === '') {
      if (vals.every((v) => v.trim() === '')) return this.context(line.lineNumber, '');
      const ref: DeadRef = {
        lineNumber: line.lineNumber,
        errorClass: 'UNKNOWN_RECORD_TYPE',
        message: '',
        recordType: '',
      };
      ref.message = `the first cell, which names the record type, is empty (the line has ${raw.length} cells)`;
      this.rememberDead(null, null, ref);
      return this.dead(line, undefined, {
        stage: 'parse',
        errorClass: 'UNKNOWN_RECORD_TYPE',
        message: ref.message,
        cell: 'RecordType',
      });
    }
    const hint =
      raw.length === 1 && /\s/.test(type) ? ' (the line has no TAB at all: is the file tab-separated?)' : '';
    const message = `unknown record type ${q(type)}${hint}; known record types are ${knownRecordTypes().join(', ')}, written with or without a version such as SU02.02`;
    if (/^SY\d\d/i.test(type)) this.summaryRecordCount++;
    this.rememberDead(null, null, {
      lineNumber: line.lineNumber,
      errorClass: 'UNKNOWN_RECORD_TYPE',
      message,
      recordType: type,
    });
    return this.dead(line, type, {
      stage: 'parse',
      errorClass: 'UNKNOWN_RECORD_TYPE',
      message,
      cell: 'RecordType',
    });
  }

  /** Block and summary counts for the FOOT check include dead-lettered lines. */
  private countForFooter(L: RecordLayout, vals: string[]): void {
    if (L.role === 'summary') this.summaryRecordCount++;
    else if (L.role !== 'head' && L.role !== 'footer') {
      const blockId = key(vals, pos(L, 'BlockId'));
      if (blockId !== '') this.enterBlock(blockId, 0);
    }
  }

  private deadContext(line: InputLine, L: RecordLayout, vals: string[], fault: Fault): DeadOutcome {
    this.rememberDead(L, vals, {
      lineNumber: line.lineNumber,
      errorClass: fault.errorClass,
      message: fault.message,
      recordType: L.written,
    });
    return this.dead(line, L.written, fault);
  }

  private headLine(n: number, L: RecordLayout, raw: string[], vals: string[]): ContextOutcome {
    if (this.headRecord !== null) {
      this.warn(
        `line ${n}: a second ${L.written} record; the one at line ${this.headRecord.lineNumber} is used`,
      );
      return this.context(n, L.written);
    }
    const cells: Record<string, string> = {};
    for (let i = 1; i < vals.length && i < L.width; i++) {
      const v = (vals[i] as string).trim();
      if (v !== '') cells[L.canonical[i] as string] = v;
    }
    const get = (name: string): string | null => cells[name] ?? null;
    const int = (name: string): number | null => {
      const v = get(name);
      if (v === null) return null;
      if (!isInteger(v)) {
        this.warn(`line ${n}: ${L.written} ${name} is ${q(v)}; expected a whole number`);
        return null;
      }
      return Number(v);
    };
    const rrIndex = pos(L, 'RepresentedRepertoire');
    const head: DsrHead = {
      recordType: L.written,
      lineNumber: n,
      messageVersion: get('MessageVersion'),
      profile: get('Profile'),
      profileVersion: get('ProfileVersion'),
      messageId: get('MessageId'),
      messageCreatedDateTime: get('MessageCreatedDateTime'),
      fileNumber: int('FileNumber'),
      numberOfFiles: int('NumberOfFiles'),
      usageStartDate: get('UsageStartDate'),
      usageEndDate: get('UsageEndDate'),
      senderPartyId: get('SenderPartyId'),
      senderName: get('SenderName'),
      serviceDescription: get('ServiceDescription'),
      recipientPartyId: get('RecipientPartyId'),
      recipientName: get('RecipientName'),
      representedRepertoire: rrIndex > 0 ? multiValues(cell(raw, rrIndex)) : [],
      cells,
    };
    if (L.written === 'HEAD') {
      const missing = [
        'MessageVersion',
        'Profile',
        'ProfileVersion',
        'MessageId',
        'UsageStartDate',
        'UsageEndDate',
        'SenderPartyId',
      ].filter((c) => cells[c] === undefined);
      if (missing.length > 0) this.warn(`line ${n}: HEAD lacks ${missing.join(', ')}`);
      if (vals.length > L.width && vals.slice(L.width).some((v) => v.trim() !== '')) {
        this.warn(`line ${n}: HEAD has non-empty cells after the ${L.width} defined; they were ignored`);
      }
    }
    for (const [name, which] of [
      ['UsageStartDate', 'start'],
      ['UsageEndDate', 'end'],
    ] as const) {
      const v = get(name);
      if (v === null) continue;
      const d = parseIsoDate(v);
      if (d === null) this.warn(`line ${n}: ${L.written} ${name} is ${q(v)}; expected a date as YYYY-MM-DD`);
      else if (which === 'start') this.periodStart = d;
      else this.periodEnd = d;
    }
    const created = get('MessageCreatedDateTime');
    if (created !== null && parseDateTime(created) === null) {
      this.warn(
        `line ${n}: ${L.written} MessageCreatedDateTime is ${q(created)}; expected YYYY-MM-DDThh:mm:ssZ`,
      );
    }
    this.headRecord = head;
    return this.context(n, L.written);
  }

  private footerLine(n: number, L: RecordLayout, vals: string[]): ContextOutcome {
    if (this.footer !== null) {
      this.warn(
        `line ${n}: a second ${L.written} record; the one at line ${this.footer.lineNumber} is ignored`,
      );
    }
    const cells: Record<string, string> = {};
    for (let i = 1; i < vals.length && i < L.width; i++) {
      const v = (vals[i] as string).trim();
      if (v !== '') cells[L.canonical[i] as string] = v;
    }
    this.footer = { recordType: L.written, lineNumber: n, cells };
    this.linesAfterFooter = 0;
    return this.context(n, L.written);
  }

  private footerCheck(): string {
    const f = this.footer;
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
      compare('NumberOfLines', this.counts.lines, true);
    } else {
      compare('NumberOfLinesInFile', this.counts.lines, true);
      compare('NumberOfSummaryRecords', this.summaryRecordCount, true);
      compare('NumberOfBlocksInFile', this.blockCount, true);
      // The …InReport cells describe the whole report: checkable here only for a one-file report.
      const files = this.headRecord?.numberOfFiles ?? 1;
      if (files === 1) {
        compare('NumberOfLinesInReport', this.counts.lines, false);
        compare('NumberOfBlocksInReport', this.blockCount, false);
      }
    }
    return problems.length === 0 ? 'OK' : problems.join('; ');
  }

  private summaryLine(line: InputLine, L: RecordLayout, _raw: string[], vals: string[]): LineOutcome {
    const n = line.lineNumber;
    this.summaryRecordCount++;
    const fault = this.validate(L, vals);
    if (fault !== null) return this.deadContext(line, L, vals, fault);
    if (this.total < L.width) this.noteShort(n, L, vals);
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
    this.summaryLines.push({ lineNumber: n, recordType: L.written, summaryRecordId: id, cells });
    const existing = this.summaries.get(id);
    if (existing === undefined) {
      this.summaries.set(id, {
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
    return this.context(n, L.written);
  }

  /**
   * Start of a release, resource or work record: enters the block it names (or stays in the
   * current one when it names none), validates it and notes a short line. Returns the block, or
   * the record's dead letter when it is invalid or there is no block.
   */
  private blockRecord(line: InputLine, L: RecordLayout, vals: string[]): Block | DeadOutcome {
    const blockId = key(vals, pos(L, 'BlockId'));
    const b = blockId === '' ? this.block : this.enterBlock(blockId, line.lineNumber);
    const fault = this.validate(L, vals);
    if (fault !== null || b === null) return this.deadContext(line, L, vals, fault ?? noBlock(L));
    if (this.total < L.width) this.noteShort(line.lineNumber, L, vals);
    return b;
  }

  private releaseLine(line: InputLine, L: RecordLayout, raw: string[], vals: string[]): LineOutcome {
    const n = line.lineNumber;
    const b = this.blockRecord(line, L, vals);
    if (!(b instanceof Block)) return b;
    const ref = key(vals, pos(L, 'ReleaseReference'));
    const release: Release = {
      releaseRef: ref,
      dspReleaseId: orNull(key(vals, pos(L, 'DspReleaseId'))) ?? orNull(key(vals, pos(L, 'DspSubReleaseId'))),
      icpn: orNull(key(vals, pos(L, 'ICPN'))),
      title: orNull(cell(vals, pos(L, 'Title'))),
      displayArtists: multiValues(cell(raw, pos(L, 'DisplayArtistName'))),
      label: orNull(cell(vals, pos(L, 'Label'))),
    };
    const usedAt = pos(L, 'UsedResources');
    const entry: ReleaseEntry = {
      release,
      lineNumber: n,
      recordType: L.written,
      usedResources: usedAt > 0 ? multiValues(cell(raw, usedAt)) : null,
    };
    const prev = b.releases.get(ref);
    if (prev) {
      this.warn(
        `line ${n}: ReleaseReference ${ref} is used twice in block ${b.id} (lines ${prev.lineNumber} and ${n}); the first is used`,
      );
    } else {
      b.releases.set(ref, entry);
      if (L.base === 'RE01' && b.headRelease === null) b.headRelease = entry;
    }
    return this.context(n, L.written);
  }

  private resourceLine(line: InputLine, L: RecordLayout, raw: string[], vals: string[]): LineOutcome {
    const n = line.lineNumber;
    const b = this.blockRecord(line, L, vals);
    if (!(b instanceof Block)) return b;
    const ref = key(vals, pos(L, 'ResourceReference'));
    const isrcValues = multiValues(cell(raw, pos(L, 'ISRC')));
    let isrc: string | null = null;
    if (isrcValues.length > 0) {
      const r = normaliseIsrc(isrcValues[0] as string);
      isrc = r.ok ? r.value : null;
      if (isrcValues.length > 1)
        this.warn(`line ${n}: ${isrcValues.length} ISRCs given for resource ${ref}; the first is used`);
    }
    const durationText = key(vals, pos(L, 'Duration'));
    const iswcText = key(vals, pos(L, 'ISWC'));
    const iswc = iswcText === '' ? null : normaliseIswc(iswcText);
    const resource: Resource = {
      resourceRef: ref,
      dspResourceId: orNull(key(vals, pos(L, 'DspResourceId'))),
      isrc,
      title: orNull(cell(vals, pos(L, 'Title'))),
      subTitle: orNull(cell(vals, pos(L, 'SubTitle'))),
      displayArtists: multiValues(cell(raw, pos(L, 'DisplayArtistName'))),
      durationSeconds: durationText === '' ? null : parseDurationSeconds(durationText),
      resourceType: orNull(key(vals, pos(L, 'ResourceType'))),
      iswc: iswc?.ok ? iswc.value : null,
      composers: multiValues(cell(raw, pos(L, 'ComposerAuthor'))),
      publishers: multiValues(cell(raw, pos(L, 'MusicPublisher'))),
      sourceLineNumber: n,
    };
    const entry: ResourceEntry = { resource, lineNumber: n, workDead: null };
    const prev = b.resources.get(ref);
    if (prev) {
      this.warn(
        `line ${n}: ResourceReference ${ref} is used twice in block ${b.id} (lines ${prev.lineNumber} and ${n}); the first is used`,
      );
    } else {
      b.resources.set(ref, entry);
      b.order.push(entry);
    }
    b.lastResource = prev ?? entry;
    b.lastResourceDead = null;
    return this.context(n, L.written);
  }

  /** The resource a musical-work record describes: named by ResourceReference (MW01.02) or the preceding one. */
  private workTarget(b: Block, L: RecordLayout, vals: string[]): ResourceEntry | null {
    const ref = key(vals, pos(L, 'ResourceReference'));
    if (ref !== '') return b.resources.get(ref) ?? null;
    return b.lastResource;
  }

  private workLine(line: InputLine, L: RecordLayout, raw: string[], vals: string[]): LineOutcome {
    const n = line.lineNumber;
    const b = this.blockRecord(line, L, vals);
    if (!(b instanceof Block)) return b;
    const refAt = pos(L, 'ResourceReference');
    const ref = key(vals, refAt);
    const target = this.workTarget(b, L, vals);
    if (target === null) {
      if (ref !== '' && !b.deadResources.has(ref)) {
        return this.deadContext(line, L, vals, {
          stage: 'validate',
          errorClass: 'UNKNOWN_REFERENCE',
          cell: 'ResourceReference',
          message: `${L.written} cell ${refAt + 1} (ResourceReference) is ${q(ref)}, but block ${b.id} has no resource with that reference${
            b.resources.size > 0 ? ` (its resources: ${listFirst(b.resources.keys())})` : ''
          }`,
        });
      }
      if (b.lastResourceDead === null && ref === '') {
        this.warn(
          `line ${n}: ${L.written} in block ${b.id} follows no resource record; its work data is not attached to any usage`,
        );
      }
      return this.context(n, L.written);
    }
    const iswcText = key(vals, pos(L, 'ISWC'));
    const iswcResult = iswcText === '' ? null : normaliseIswc(iswcText);
    const iswc = iswcResult?.ok ? iswcResult.value : null;
    const old = target.resource;
    if (iswc !== null && old.iswc !== null && old.iswc !== iswc) {
      this.warn(
        `line ${n}: ${L.written} gives ISWC ${iswc} for resource ${old.resourceRef}, whose resource line ${target.lineNumber} gives ${old.iswc}; the resource line's ISWC is kept`,
      );
    }
    // A new object: events already emitted keep the Resource they were given.
    target.resource = {
      ...old,
      iswc: old.iswc ?? iswc,
      composers: union(old.composers, multiValues(cell(raw, pos(L, 'ComposerAuthor')))),
      publishers: union(old.publishers, multiValues(cell(raw, pos(L, 'MusicPublisher')))),
    };
    return this.context(n, L.written);
  }

  private otherLine(line: InputLine, L: RecordLayout, _raw: string[], vals: string[]): LineOutcome {
    const n = line.lineNumber;
    const blockId = key(vals, pos(L, 'BlockId'));
    if (blockId !== '') this.enterBlock(blockId, n);
    const fault = this.validate(L, vals);
    if (fault !== null) return this.dead(line, L.written, fault);
    if (this.total < L.width) this.noteShort(n, L, vals);
    return this.context(n, L.written);
  }

  // ---------------------------------------------------------------------------------------
  // usage lines (the hot path)

  private usageLine(line: InputLine, c: Compiled, raw: string[], vals: string[]): LineOutcome {
    const L = c.layout;
    const u = c.usage as UsageCells;
    const n = line.lineNumber;
    const blockId = key(vals, u.block);
    if (blockId !== '') this.enterBlock(blockId, n);
    const fault = this.validate(L, vals);
    if (fault !== null) return this.dead(line, L.written, fault);
    if (this.total < L.width) this.noteShort(n, L, vals);
    const b = this.block as Block;

    // summary context
    let summary: Summary | null = null;
    let service: string | null = null;
    const summaryId = key(vals, u.summary);
    if (summaryId !== '') {
      const deadSummary = this.deadSummaries.get(summaryId);
      if (deadSummary !== undefined) {
        return this.orphan(
          line,
          L,
          `summary record ${summaryId} (SummaryRecordId, cell ${u.summary + 1})`,
          deadSummary,
          'SummaryRecordId',
        );
      }
      const entry = this.summaries.get(summaryId);
      if (entry === undefined) {
        if (this.unkeyedDeadSummary !== null) {
          return this.orphan(
            line,
            L,
            `summary record ${summaryId} (SummaryRecordId, cell ${u.summary + 1}), which no readable summary line defines; the likely definition`,
            this.unkeyedDeadSummary,
            'SummaryRecordId',
          );
        }
        return this.dead(line, L.written, {
          stage: 'validate',
          errorClass: 'UNKNOWN_REFERENCE',
          cell: 'SummaryRecordId',
          message: `${L.written} cell ${u.summary + 1} (SummaryRecordId) is ${q(summaryId)}, but no summary record has that id${
            this.summaries.size > 0
              ? ` (summary ids in this file: ${listFirst(this.summaries.keys())})`
              : ' (the file has no summary records)'
          }`,
        });
      }
      summary = entry.summary;
      service = entry.serviceDescription;
    }

    // release and resource context
    let resources: Resource[];
    let release: Release | null;
    if (u.dsp >= 0 && u.res < 0 && u.rel < 0) {
      // UGC (SU03): the line names the UGC resource by its DSP id; the block describes it.
      const found = this.ugcResources(line, L, u, vals, b);
      if ('kind' in found) return found;
      resources = found.resources;
      release = found.release;
    } else {
      const resRef = key(vals, u.res);
      const relRef = key(vals, u.rel);
      if (resRef === '' && relRef === '') {
        return this.dead(line, L.written, {
          stage: 'validate',
          errorClass: 'MISSING_REQUIRED_CELL',
          cell: 'TransactedResource',
          message: `${L.written} names neither a release (TransactedRelease, cell ${u.rel + 1}) nor a resource (TransactedResource, cell ${u.res + 1}); one of them is required`,
        });
      }
      if (resRef !== '') {
        const entry = b.resources.get(resRef);
        if (entry === undefined)
          return this.unresolved(line, L, b, RESOURCE_REF, resRef, `TransactedResource, cell ${u.res + 1}`);
        if (entry.workDead !== null) {
          return this.orphan(
            line,
            L,
            `the musical work of resource ${resRef} in block ${b.id}`,
            entry.workDead,
            'TransactedResource',
          );
        }
        resources = [entry.resource];
        if (relRef !== '') {
          const rel = this.findRelease(line, L, b, relRef, u);
          if ('kind' in rel) return rel;
          release = rel.release;
        } else if (b.headRelease !== null) {
          release = b.headRelease.release;
        } else if (b.headReleaseDead !== null) {
          return this.orphan(
            line,
            L,
            `the release of block ${b.id}`,
            b.headReleaseDead,
            'TransactedResource',
          );
        } else release = null;
      } else {
        const rel = this.findRelease(line, L, b, relRef, u);
        if ('kind' in rel) return rel;
        release = rel.release;
        const all = this.releaseResources(line, L, b, rel);
        if (!Array.isArray(all)) return all;
        resources = all;
      }
    }

    // the usage itself
    const value = this.usage.start(n, L.written, resources, release, summary);
    const countText = key(vals, u.count);
    const extra = value.extra;
    const ex = u.extra;
    for (let k = 0; k < ex.length; k++) {
      const i = ex[k] as number;
      if (i >= vals.length) break;
      const v = vals[i] as string;
      if (v !== '') extra[L.canonical[i] as string] = v;
    }
    if (hasFraction(countText)) extra[L.canonical[u.count] as string] = countText;
    if (service !== null) extra['summary.ServiceDescription'] = service;
    const royalty = key(vals, u.royalty);
    const start = key(vals, u.start);
    const end = key(vals, u.end);
    value.salesTransactionId = orNull(key(vals, u.tx));
    value.usages = parseCount(countText);
    value.useType = orNull(key(vals, u.useType)) ?? summary?.useType ?? null;
    value.commercialModel = summary?.commercialModel ?? null;
    value.territory = summary?.territory ?? null;
    value.periodStart = start !== '' ? parseIsoDate(start) : this.periodStart;
    value.periodEnd = end !== '' ? parseIsoDate(end) : this.periodEnd;
    value.isRoyaltyBearing = royalty === '' ? null : parseBool(royalty);
    value.priceConsumerPaid = orNull(key(vals, u.price));
    value.currency = summary?.currency ?? null;
    this.counts.emitted++;
    const out: UsageOutcome = { kind: 'usage', lineNumber: n, value };
    return out;
  }

  private orphan(
    line: InputLine,
    L: RecordLayout,
    what: string,
    root: DeadRef,
    cellName: string,
  ): DeadOutcome {
    return this.dead(line, L.written, {
      stage: 'validate',
      errorClass: 'ORPHANED',
      cell: cellName,
      rootCauseLine: root.lineNumber,
      message: `${what} is line ${root.lineNumber} (${root.recordType || 'unreadable record'}), which was dead-lettered as ${root.errorClass}: ${root.message} — this line can be replayed once line ${root.lineNumber} is corrected`,
    });
  }

  /**
   * The dead letter for a usage line whose `ref` (cited at `where`) names no readable resource or
   * release of block `b`: orphaned when that definition, or an unreadable line that may have been
   * it, was dead-lettered; an unknown reference otherwise.
   */
  private unresolved(
    line: InputLine,
    L: RecordLayout,
    b: Block,
    kind: RefKind,
    ref: string,
    where: string,
  ): DeadOutcome {
    const { noun, cell } = kind;
    const dead = b[kind.dead].get(ref);
    if (dead !== undefined)
      return this.orphan(line, L, `${noun} ${ref} (${where}) in block ${b.id}`, dead, cell);
    if (b.unkeyedDead !== null) {
      return this.orphan(
        line,
        L,
        `${noun} ${ref} (${where}) is not defined by any readable line of block ${b.id}; the likely definition`,
        b.unkeyedDead,
        cell,
      );
    }
    const known = b[kind.known];
    return this.dead(line, L.written, {
      stage: 'validate',
      errorClass: 'UNKNOWN_REFERENCE',
      cell,
      message: `${L.written} refers to ${noun} ${q(ref)} (${where}), but block ${b.id} has no ${noun} with that ${kind.refName}${
        known.size > 0 ? ` (its ${noun}s: ${listFirst(known.keys())})` : ` (the block has no ${noun} records)`
      }`,
    });
  }

  private findRelease(
    line: InputLine,
    L: RecordLayout,
    b: Block,
    ref: string,
    u: UsageCells,
  ): ReleaseEntry | DeadOutcome {
    const entry = b.releases.get(ref);
    if (entry !== undefined) return entry;
    return this.unresolved(line, L, b, RELEASE_REF, ref, `TransactedRelease, cell ${u.rel + 1}`);
  }

  /** All resources of a release in its block: the whole block for a head release, UsedResources for a sub-release. */
  private releaseResources(
    line: InputLine,
    L: RecordLayout,
    b: Block,
    rel: ReleaseEntry,
  ): Resource[] | DeadOutcome {
    const out: Resource[] = [];
    if (rel.usedResources === null) {
      for (const dead of b.deadResources.values()) {
        return this.orphan(
          line,
          L,
          `a resource of release ${rel.release.releaseRef} (usage reported at release level) in block ${b.id}`,
          dead,
          'TransactedRelease',
        );
      }
      for (const e of b.order) {
        if (e.workDead !== null) {
          return this.orphan(
            line,
            L,
            `the musical work of resource ${e.resource.resourceRef} of release ${rel.release.releaseRef}`,
            e.workDead,
            'TransactedRelease',
          );
        }
        out.push(e.resource);
      }
      return out;
    }
    for (const ref of rel.usedResources) {
      const e = b.resources.get(ref);
      if (e === undefined)
        return this.unresolved(
          line,
          L,
          b,
          RESOURCE_REF,
          ref,
          `UsedResources of sub-release ${rel.release.releaseRef}, line ${rel.lineNumber}`,
        );
      if (e.workDead !== null) {
        return this.orphan(
          line,
          L,
          `the musical work of resource ${ref} of sub-release ${rel.release.releaseRef}`,
          e.workDead,
          'TransactedRelease',
        );
      }
      out.push(e.resource);
    }
    return out;
  }

  private ugcResources(
    line: InputLine,
    L: RecordLayout,
    u: UsageCells,
    vals: string[],
    b: Block,
  ): { resources: Resource[]; release: Release | null } | DeadOutcome {
    const dspId = key(vals, u.dsp);
    let chosen: ResourceEntry[] = [];
    if (dspId !== '') {
      for (const e of b.order) {
        if (e.resource.dspResourceId === dspId || e.resource.resourceRef === dspId) chosen.push(e);
      }
      if (chosen.length === 0) {
        const dead = b.deadResources.get(dspId);
        if (dead !== undefined)
          return this.orphan(line, L, `resource ${dspId} in block ${b.id}`, dead, L.names[u.dsp] as string);
      }
    }
    if (chosen.length === 0) {
      // The cell may hold the id of the UGC video rather than of the resource: the block's
      // resources are what the usage is about.
      for (const dead of b.deadResources.values()) {
        return this.orphan(line, L, `a resource of block ${b.id}`, dead, L.names[u.dsp] as string);
      }
      if (b.order.length === 0) {
        if (b.unkeyedDead !== null)
          return this.orphan(
            line,
            L,
            `the resource of block ${b.id}; the likely definition`,
            b.unkeyedDead,
            'BlockId',
          );
        return this.dead(line, L.written, {
          stage: 'validate',
          errorClass: 'UNKNOWN_REFERENCE',
          cell: L.names[u.dsp] ?? 'BlockId',
          message: `${L.written} reports usage in block ${b.id}, which has no resource record (${L.names[u.dsp] ?? 'DspResourceId'} is ${q(dspId)})`,
        });
      }
      chosen = b.order;
    }
    const resources: Resource[] = [];
    for (const e of chosen) {
      if (e.workDead !== null)
        return this.orphan(
          line,
          L,
          `the musical work of resource ${e.resource.resourceRef} in block ${b.id}`,
          e.workDead,
          'BlockId',
        );
      resources.push(e.resource);
    }
    if (b.headReleaseDead !== null && b.headRelease === null) {
      return this.orphan(line, L, `the release of block ${b.id}`, b.headReleaseDead, 'BlockId');
    }
    return { resources, release: b.headRelease?.release ?? null };
  }
}

/** Checks one (trimmed) value of a typed cell. */
function checkValue(L: RecordLayout, t: number, v: string): Fault | null {
  if (v === '') return null;
  const name = L.names[t] as string;
  switch (L.kinds[t]) {
    case 'int':
      return isInteger(v)
        ? null
        : invalid('INVALID_NUMBER', name, `${where(L, t)} is ${q(v)}; expected a whole number`);
    case 'count':
      return !Number.isNaN(parseCount(v))
        ? null
        : invalid(
            'INVALID_NUMBER',
            name,
            `${where(L, t)} is ${q(v)}; expected a number of usages such as 120 (digits, '.' before a decimal part)`,
          );
    case 'decimal': {
      if (isDecimal(v)) return null;
      const hint = v.includes(',') ? " (the decimal separator must be '.', with no thousands separator)" : '';
      return invalid(
        'INVALID_NUMBER',
        name,
        `${where(L, t)} is ${q(v)}; expected a decimal number such as 5000.00${hint}`,
      );
    }
    case 'bool':
      return parseBool(v) !== null
        ? null
        : invalid('INVALID_BOOLEAN', name, `${where(L, t)} is ${q(v)}; expected TRUE or FALSE`);
    case 'date':
      return parseIsoDate(v) !== null
        ? null
        : invalid(
            'INVALID_DATE',
            name,
            `${where(L, t)} is ${q(v)}; expected a real date as YYYY-MM-DD (or YYYYMMDD)`,
          );
    case 'datetime':
      return parseDateTime(v) !== null
        ? null
        : invalid(
            'INVALID_DATE',
            name,
            `${where(L, t)} is ${q(v)}; expected a date-time as YYYY-MM-DDThh:mm:ssZ`,
          );
    case 'duration':
      return parseDurationSeconds(v) !== null
        ? null
        : invalid(
            'INVALID_DURATION',
            name,
            `${where(L, t)} is ${q(v)}; expected an ISO 8601 duration such as PT3M20S or PT200S`,
          );
    case 'isrc': {
      const r = normaliseIsrc(v);
      return r.ok ? null : invalid('INVALID_ISRC', name, `${where(L, t)}: ${r.reason}`);
    }
    case 'iswc': {
      const r = normaliseIswc(v);
      return r.ok ? null : invalid('INVALID_ISWC', name, `${where(L, t)}: ${r.reason}`);
    }
    default:
      return null;
  }
}

function where(L: RecordLayout, t: number): string {
  return `${L.written} cell ${t + 1} (${L.names[t]})`;
}

function invalid(errorClass: DsrErrorClass, cellName: string, message: string): Fault {
  return { stage: 'validate', errorClass, cell: cellName, message };
}

function noBlock(L: RecordLayout): Fault {
  return {
    stage: 'validate',
    errorClass: 'MISSING_REQUIRED_CELL',
    cell: 'BlockId',
    message: `${L.written} has no BlockId`,
  };
}

function union(a: string[], b: string[]): string[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out = [...a];
  for (const v of b) if (!out.includes(v)) out.push(v);
  return out;
}

/** A `#` line is a heading when its cells look like cell names and at least half are known names. */
function looksLikeHeading(names: string[]): boolean {
  let known = 0;
  let nonEmpty = 0;
  for (const n of names) {
    if (n === '') continue;
    nonEmpty++;
    if (!/^[A-Za-z][A-Za-z0-9%_-]*$/.test(n)) return false;
    if (isKnownCellName(n)) known++;
  }
  return nonEmpty > 0 && known * 2 >= nonEmpty;
}

function usageCells(L: RecordLayout): UsageCells {
  const u: UsageCells = {
    block: pos(L, 'BlockId'),
    summary: pos(L, 'SummaryRecordId'),
    tx: pos(L, 'SalesTransactionId'),
    rel: pos(L, 'TransactedRelease'),
    res: pos(L, 'TransactedResource'),
    dsp: pos(L, 'DspResourceId') >= 0 ? pos(L, 'DspResourceId') : pos(L, 'DspReleaseId'),
    royalty: pos(L, 'IsRoyaltyBearing'),
    count: L.countCell,
    price: pos(L, 'PriceConsumerPaidExcSalesTax'),
    useType: pos(L, 'UseType'),
    start: pos(L, 'ValidityPeriodStart'),
    end: pos(L, 'ValidityPeriodEnd'),
    extra: [],
  };
  const consumed = new Set([
    u.summary,
    u.tx,
    u.rel,
    u.res,
    u.royalty,
    u.count,
    u.price,
    u.useType,
    u.start,
    u.end,
  ]);
  for (let i = 1; i < L.width; i++) if (!consumed.has(i)) u.extra.push(i);
  return u;
}
