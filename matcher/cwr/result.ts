// What parseCwr gives back: the file's header, its work transactions, the ISRC → work links,
// the rejected transactions and the file-level issues.

import type { RecordingLink, Work } from '../../core/schemas/index.ts';
import type { CwrVersion } from './records.ts';

export interface CwrParseOptions {
  /** Names the file or sender; work ids are `${source}:${submitterWorkNumber}` and links carry it. */
  source: string;
  /** `assertedAt` of the ISRC links when the HDR has no valid creation date. Default: the Unix epoch. */
  fallbackDate?: Date;
}

export interface CwrHeader {
  /** PB, SO, AA, WR; null when the sender id is an IPI name number of more than 9 digits, whose first two digits fill this field */
  senderType: string | null;
  senderId: string | null;
  senderName: string | null;
  ediStandardVersion: string | null;
  /** creation date and time of the file (UTC; CWR carries no time zone) */
  creationDate: Date | null;
  /** YYYYMMDD */
  transmissionDate: string | null;
  characterSet: string | null;
  /** CWR version: from the HDR (2.2 files) or the first GRH; 2.1 when neither says */
  version: CwrVersion;
  revision: number | null;
  softwarePackage: string | null;
  softwarePackageVersion: string | null;
  /** line of the HDR record, null when the file has none */
  line: number | null;
}

export type CwrTransactionType = 'NWR' | 'REV' | 'ISW';

export interface CwrTransaction {
  transactionType: CwrTransactionType;
  transactionSequence: number;
  groupId: number | null;
  submitterWorkNumber: string;
  /** first and last line of the transaction */
  line: number;
  lastLine: number;
  recordCount: number;
  work: Work;
  /** one per distinct ISRC of the transaction's REC records */
  recordingLinks: RecordingLink[];
}

export interface CwrRejection {
  /** null when the transaction header's own sequence number is unreadable */
  transactionSequence: number | null;
  transactionType: string;
  submitterWorkNumber: string | null;
  /** line of the transaction header */
  transactionLine: number;
  /** record at fault */
  recordType: string;
  line: number;
  field?: string;
  reason: string;
  /** text of the record at fault */
  record: string;
}

export interface CwrIssue {
  severity: 'error' | 'warning';
  line: number | null;
  recordType: string | null;
  field?: string;
  reason: string;
}

export interface CwrCounts {
  /** transactions read, of every type (what GRT/TRL count) */
  read: number;
  /** work transactions loaded as works */
  loaded: number;
  /** transactions rejected (each listed in `rejected`) */
  rejected: number;
  /** transactions of a type that gives no work (AGR, ACK, EXC): read and counted, not loaded */
  skipped: number;
  groups: number;
  /** records read (non-empty lines), HDR and TRL included */
  records: number;
}

export interface CwrResult {
  header: CwrHeader;
  transactions: CwrTransaction[];
  /** ISRC → work links of all loaded transactions, one entry per ISRC */
  recordingLinks: RecordingLink[];
  rejected: CwrRejection[];
  /** problems outside transactions (header, stray records, empty lines) and warnings */
  issues: CwrIssue[];
  counts: CwrCounts;
  /** 'OK', or what disagrees with the GRT/TRL trailers */
  trailerCheck: string;
}
