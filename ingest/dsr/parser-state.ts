import type { LineCounts, Summary } from '../../core/schemas/index.ts';
import { quoteValue as q } from '../../core/values/index.ts';
import { UsageLineBuilder } from '../usage-line.ts';
import { Block, workTarget, type DeadRef } from './block.ts';
import { key, pos } from './layout-cells.ts';
import { resolveRecord, type RecordLayout } from './record-types.ts';
import { usageCells, type UsageCells } from './records/usage.ts';
import type {
  ContextOutcome,
  DeadOutcome,
  DsrErrorClass,
  DsrHead,
  InputLine,
  SummaryRecordLine,
} from './types.ts';
import { noBlock, validate, type Fault } from './validate.ts';

/** The summary records of one SummaryRecordId. */
export interface SummaryEntry {
  summary: Summary;
  lines: number[];
  cells: Record<string, string>;
  differing: Set<string>;
  serviceDescription: string | null;
}

/** A record layout as the parser uses it, compiled once per record type written in the file. */
export interface Compiled {
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
/**
 * What the DSR parser knows of the file so far (counts, warnings, the current block, every
 * summary record, dead lines that others may depend on), and the bookkeeping every record
 * handler shares. The handlers (records/*.ts) read and change it directly.
 */
export class DsrFileState {
  readonly usage: UsageLineBuilder;

  readonly counts: LineCounts = { lines: 0, emitted: 0, deadLettered: 0, context: 0 };
  readonly deadByClass: Partial<Record<DsrErrorClass, number>> = {};
  readonly warnings: string[] = [];
  suppressedWarnings = 0;

  headRecord: DsrHead | null = null;
  firstRecordSeen = false;
  fileErrorText: string | null = null;
  periodStart: string | null = null;
  periodEnd: string | null = null;

  /** number of cells of the current line as written (trailing empty cells included) */
  total = 0;
  lastType = '';
  lastCompiled: Compiled | null = null;

  readonly headings = new Map<string, string[]>();
  readonly compiled = new Map<string, Compiled | null>();
  readonly reportedFallbacks = new Set<string>();

  readonly summaries = new Map<string, SummaryEntry>();
  readonly deadSummaries = new Map<string, DeadRef>();
  unkeyedDeadSummary: DeadRef | null = null;
  readonly summaryLines: SummaryRecordLine[] = [];
  summaryRecordCount = 0;

  block: Block | null = null;
  blockCount = 0;

  footer: { recordType: string; lineNumber: number; cells: Record<string, string> } | null = null;
  linesAfterFooter = 0;
  readonly shortLines = new Map<string, ShortLines>();

  constructor(
    fileId: string,
    sender: string,
    readonly maxLineBytes: number,
    readonly maxWarnings: number,
  ) {
    this.usage = new UsageLineBuilder(fileId, sender, 'DSR');
  }

  context(lineNumber: number, recordType: string): ContextOutcome {
    this.counts.context++;
    return { kind: 'context', lineNumber, recordType };
  }

  dead(line: InputLine, recordType: string | undefined, fault: Fault): DeadOutcome {
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
    if (line.byteLength !== undefined) out.byteLength = line.byteLength;
    if (recordType !== undefined && recordType !== '') out.recordType = recordType;
    if (fault.cell !== undefined) out.cell = fault.cell;
    if (fault.rootCauseLine !== undefined) out.rootCauseLine = fault.rootCauseLine;
    return out;
  }

  warn(message: string): void {
    if (this.warnings.length < this.maxWarnings) this.warnings.push(message);
    else this.suppressedWarnings++;
  }

  compile(type: string): Compiled | null {
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

  /** Records a line shorter than its layout (after it passed validation). */
  noteShort(n: number, L: RecordLayout, vals: string[]): void {
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

  enterBlock(blockId: string, n: number): Block {
    const current = this.block;
    if (current !== null && current.id === blockId) return current;
    if (current !== null) this.closeBlock(current);
    const b = new Block(blockId, n);
    this.block = b;
    this.blockCount++;
    return b;
  }

  /** Block-level checks that need the whole block: swapped resource references and DSP ids. */
  closeBlock(b: Block): void {
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
  rememberDead(L: RecordLayout | null, vals: string[] | null, ref: DeadRef): void {
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
      const target = workTarget(b, L, vals);
      if (target) target.workDead ??= ref;
    }
  }

  /** Block and summary counts for the FOOT check include dead-lettered lines. */
  countForFooter(L: RecordLayout, vals: string[]): void {
    if (L.role === 'summary') this.summaryRecordCount++;
    else if (L.role !== 'head' && L.role !== 'footer') {
      const blockId = key(vals, pos(L, 'BlockId'));
      if (blockId !== '') this.enterBlock(blockId, 0);
    }
  }

  deadContext(line: InputLine, L: RecordLayout, vals: string[], fault: Fault): DeadOutcome {
    this.rememberDead(L, vals, {
      lineNumber: line.lineNumber,
      errorClass: fault.errorClass,
      message: fault.message,
      recordType: L.written,
    });
    return this.dead(line, L.written, fault);
  }

  blockRecord(line: InputLine, L: RecordLayout, vals: string[]): Block | DeadOutcome {
    const blockId = key(vals, pos(L, 'BlockId'));
    const b = blockId === '' ? this.block : this.enterBlock(blockId, line.lineNumber);
    const fault = validate(L, vals, this.total);
    if (fault !== null || b === null) return this.deadContext(line, L, vals, fault ?? noBlock(L));
    if (this.total < L.width) this.noteShort(line.lineNumber, L, vals);
    return b;
  }
}
