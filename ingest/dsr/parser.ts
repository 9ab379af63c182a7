/**
 * DSR flat-file parser: a streaming state machine fed one physical line at a time, giving
 * exactly one outcome per line — a usage event, a dead letter, or a context line.
 *
 * A usage line is not self-contained (DOMAIN.md): it points to its resource and release by
 * block-local references and to its summary record by SummaryRecordId. The parser keeps the
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
import { splitCells, splitPlain, unescapeCell } from './cells.ts';
import { listFirst } from './layout-cells.ts';
import { DsrFileState, type Compiled } from './parser-state.ts';
import { footerCheck, footerLine } from './records/footer.ts';
import { headLine } from './records/head.ts';
import { hashLine } from './records/heading.ts';
import { otherLine } from './records/other.ts';
import { releaseLine } from './records/release.ts';
import { resourceLine } from './records/resource.ts';
import { summaryLine } from './records/summary.ts';
import { checkFirstRecord, invalidUtf8, lineTooLong, unknownRecordType } from './records/unreadable.ts';
import { usageLine } from './records/usage.ts';
import { workLine } from './records/work.ts';
import type { DsrHead, FileSummary, InputLine, LineOutcome } from './types.ts';

export interface DsrParserOptions {
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

/** Reads a DSR flat file one physical line at a time: one outcome per line, a summary at the end. */
export class DsrParser {
  private readonly s: DsrFileState;

  constructor(options: DsrParserOptions) {
    this.s = new DsrFileState(
      options.fileId,
      options.sender,
      options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
      options.maxWarnings ?? 200,
    );
  }

  /** A file-level fault known so far (set as soon as the first record is seen). */
  get fileError(): string | null {
    return this.s.fileErrorText;
  }

  get head(): DsrHead | null {
    return this.s.headRecord;
  }

  accept(line: InputLine): LineOutcome {
    const s = this.s;
    const n = line.lineNumber;
    s.counts.lines++;
    if (s.footer !== null) s.linesAfterFooter++;
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
      s.warn('the file starts with a UTF-8 byte order mark; it was ignored');
    }
    if (line.tooLong === true || bytes.length > s.maxLineBytes) return lineTooLong(s, line, bytes);
    if (bytes.length === 0) return s.context(n, '');
    if (bytes[0] === HASH) return hashLine(s, n, bytes);
    if (!s.firstRecordSeen) checkFirstRecord(s, n, bytes);
    if (!isUtf8(bytes)) return invalidUtf8(s, line, bytes, shift);

    const text = bytes.toString('utf8');
    let raw: string[];
    let vals: string[];
    if (text.indexOf('\\') === -1) {
      // Trailing empty cells (many files pad every line to the widest record) are not
      // materialised; `total` keeps the cell count as written.
      const split = splitPlain(text);
      raw = split.cells;
      vals = raw;
      s.total = raw.length + split.trailingEmpty;
    } else {
      raw = splitCells(text);
      vals = raw.map(unescapeCell);
      s.total = raw.length;
    }
    const type = raw[0] as string;
    let c: Compiled | null;
    if (type === s.lastType) c = s.lastCompiled;
    else {
      c = s.compile(type);
      s.lastType = type;
      s.lastCompiled = c;
    }
    if (c === null) return unknownRecordType(s, line, raw, vals);
    const layout = c.layout;
    // each record type's handler, by role (record-types.ts gives each type its role)
    switch (layout.role) {
      case 'usage': // SU01, SU02, SU03
        return usageLine(s, line, c, raw, vals);
      case 'resource': // AS01, AS02
        return resourceLine(s, line, layout, raw, vals);
      case 'release': // RE01, RE02
        return releaseLine(s, line, layout, raw, vals);
      case 'work': // MW01
        return workLine(s, line, layout, raw, vals);
      case 'summary': // SY01-SY05
        return summaryLine(s, line, layout, raw, vals);
      case 'head': // HEAD, FHEA
        return headLine(s, n, layout, raw, vals);
      case 'footer': // FOOT, FFOO
        return footerLine(s, n, layout, vals);
      default:
        return otherLine(s, line, layout, raw, vals);
    }
  }

  finish(): FileSummary {
    const s = this.s;
    if (s.block) s.closeBlock(s.block);
    s.block = null;
    if (s.fileErrorText === null && s.headRecord === null) {
      s.fileErrorText = s.firstRecordSeen
        ? 'not a DSR flat file: it has no HEAD record'
        : 'not a DSR flat file: it has no records at all';
    }
    for (const [type, short] of s.shortLines) {
      s.warn(
        `${type}: ${short.count} line${short.count === 1 ? ' has' : 's have'} fewer cells than the ${short.width} defined ` +
          `(line${short.count === 1 ? '' : 's'} ${listFirst(short.lines.map(String))}; fewest ${short.fewest}); ` +
          'the missing trailing cells are optional and were read as empty',
      );
    }
    for (const [id, entry] of s.summaries) {
      if (entry.lines.length > 1) {
        s.warn(
          `SummaryRecordId ${id} is used by ${entry.lines.length} summary lines (${listFirst(entry.lines.map(String))})` +
            (entry.differing.size > 0
              ? `, which differ in ${[...entry.differing].join(', ')}; usage lines referring to it carry only the cells those lines agree on (differing ones are null), and every line is in the file summary`
              : '; they agree on every cell'),
        );
      }
    }
    if (s.linesAfterFooter > 0 && s.footer) {
      s.warn(
        `${s.linesAfterFooter} line(s) follow the ${s.footer.recordType} record at line ${s.footer.lineNumber}`,
      );
    }
    const warnings = [...s.warnings];
    if (s.suppressedWarnings > 0) warnings.push(`… and ${s.suppressedWarnings} more warnings`);
    return {
      fileError: s.fileErrorText,
      head: s.headRecord,
      counts: { ...s.counts },
      footerCheck: footerCheck(s),
      footer: s.footer ? { ...s.footer.cells } : null,
      blocks: s.blockCount,
      summaryRecords: s.summaryRecordCount,
      summaries: s.summaryLines,
      deadByClass: { ...s.deadByClass },
      warnings,
    };
  }
}
