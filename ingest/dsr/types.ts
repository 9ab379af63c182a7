import type { LineCounts, UsageLine } from '../../core/schemas/index.ts';

/** Error classes of dead-lettered DSR lines (the DLQ `error class` header). */
export type DsrErrorClass =
  | 'INVALID_UTF8'
  | 'LINE_TOO_LONG'
  | 'UNKNOWN_RECORD_TYPE'
  | 'WRONG_CELL_COUNT'
  | 'MISSING_REQUIRED_CELL'
  | 'INVALID_ISRC'
  | 'INVALID_ISWC'
  | 'INVALID_NUMBER'
  | 'INVALID_BOOLEAN'
  | 'INVALID_DATE'
  | 'INVALID_DURATION'
  | 'UNKNOWN_REFERENCE'
  | 'ORPHANED'
  /** the line's record (its usage event) would be too large for its topic */
  | 'RECORD_TOO_LARGE';

/** One physical line handed to the splitter (what ingest/lines/line-reader produces). */
export interface InputLine {
  lineNumber: number;
  bytes: Buffer;
  byteOffset: number;
  tooLong?: boolean;
  /** full length of a line flagged tooLong */
  byteLength?: number;
}

export interface UsageOutcome {
  kind: 'usage';
  lineNumber: number;
  value: UsageLine;
  /** the line's bytes (a view, not a copy): its dead letter's, should its event be too large */
  bytes: Buffer;
  /** offset of the line in the decompressed file */
  byteOffset: number;
}

export interface DeadOutcome {
  kind: 'dead';
  lineNumber: number;
  /** the original line bytes, untouched (truncated to maxLineBytes for LINE_TOO_LONG) */
  bytes: Buffer;
  /** offset of the line in the decompressed file */
  byteOffset: number;
  /** the line's whole length, when longer than `bytes` (LINE_TOO_LONG) */
  byteLength?: number;
  stage: 'parse' | 'validate';
  errorClass: DsrErrorClass;
  /** what is wrong, in which cell, with which value, and what was expected */
  message: string;
  /** record type as written, when it could be read */
  recordType?: string;
  /** name of the offending cell, when one cell is at fault */
  cell?: string;
  /** for ORPHANED: the dead-lettered line this one depends on */
  rootCauseLine?: number;
}

export interface ContextOutcome {
  kind: 'context';
  lineNumber: number;
  /**
   * record type as written for records (HEAD, SY01.02, AS02.03, FOOT …), the first cell of a
   * `#` line for headings and comments (`#SU02.02`, `#`), '' for a blank line
   */
  recordType: string;
}

export type LineOutcome = UsageOutcome | DeadOutcome | ContextOutcome;

/** The HEAD (or FHEA) record of a file. */
export interface DsrHead {
  recordType: string;
  lineNumber: number;
  messageVersion: string | null;
  profile: string | null;
  profileVersion: string | null;
  messageId: string | null;
  messageCreatedDateTime: string | null;
  fileNumber: number | null;
  numberOfFiles: number | null;
  usageStartDate: string | null;
  usageEndDate: string | null;
  senderPartyId: string | null;
  senderName: string | null;
  serviceDescription: string | null;
  recipientPartyId: string | null;
  recipientName: string | null;
  representedRepertoire: string[];
  /** every non-empty cell by (canonical) name, escapes resolved */
  cells: Record<string, string>;
}

/** A summary record as read from the file (all of its non-empty cells). */
export interface SummaryRecordLine {
  lineNumber: number;
  recordType: string;
  summaryRecordId: string;
  cells: Record<string, string>;
}

export interface FileSummary {
  /**
   * A file-level fault for which the caller should refuse the whole file (not a DSR flat
   * file, no HEAD record), or null.
   */
  fileError: string | null;
  head: DsrHead | null;
  counts: LineCounts;
  /** 'OK', 'NO_FOOTER', or text naming each FOOT cell that disagrees with the file */
  footerCheck: string;
  /** FOOT cells by name, when there was a footer */
  footer: Record<string, string> | null;
  /** blocks seen (changes of BlockId) */
  blocks: number;
  /** summary records seen (SYxx lines, dead-lettered ones included) */
  summaryRecords: number;
  /** the live summary records with all their cells, e.g. the per-rights-controller rows of UGC reports */
  summaries: SummaryRecordLine[];
  /** dead-lettered lines per error class */
  deadByClass: Partial<Record<DsrErrorClass, number>>;
  warnings: string[];
}
