// What the CWR reader knows of the file so far: the header, the open group, the counts the
// trailers are checked against, the issues. Shared by the line loop (parser.ts), the readers
// of HDR/GRH/GRT/TRL (control-records.ts) and of work transactions (work-transaction.ts).

import type { CwrHeader, CwrIssue } from './result.ts';
import type { CwrVersion } from './records.ts';

export interface RawRecord {
  recordType: string;
  line: number;
  text: string;
}

export interface Group {
  transactionType: string;
  groupId: number | null;
  line: number;
  /** null: a version this reader does not handle (versionText says which) */
  version: CwrVersion | null;
  versionText: string;
  transactions: number;
  /** records from GRH on */
  records: number;
  lastTransactionSequence: number | null;
}

export interface PendingTransaction {
  header: RawRecord;
  details: RawRecord[];
  group: Group | null;
}

/** Thrown while reading a transaction: the whole transaction is rejected, with the record at fault. */
export class TransactionRejected extends Error {
  constructor(
    readonly record: RawRecord,
    readonly reason: string,
    readonly field?: string,
  ) {
    super(reason);
  }
}

const EPOCH = new Date(0);

export class ReaderState {
  readonly source: string;
  readonly fallbackDate: Date;

  header: CwrHeader = {
    senderType: null,
    senderId: null,
    senderName: null,
    ediStandardVersion: null,
    creationDate: null,
    transmissionDate: null,
    characterSet: null,
    version: '2.1',
    revision: null,
    softwarePackage: null,
    softwarePackageVersion: null,
    line: null,
  };
  /** set once the HDR or a GRH has named a version this reader handles: later GRHs do not change it */
  versionSettled = false;
  group: Group | null = null;
  records = 0;
  groups = 0;
  transactionsRead = 0;
  /** line of the TRL, once read */
  trailerSeen: number | null = null;

  readonly issues: CwrIssue[] = [];
  readonly trailerProblems: string[] = [];

  constructor(source: string, fallbackDate: Date | undefined) {
    this.source = source;
    this.fallbackDate = fallbackDate ?? EPOCH;
  }

  issue(
    severity: CwrIssue['severity'],
    line: number | null,
    recordType: string | null,
    reason: string,
    field?: string,
  ): void {
    this.issues.push(
      field === undefined
        ? { severity, line, recordType, reason }
        : { severity, line, recordType, field, reason },
    );
  }

  /** A GRH, the TRL or the end of the file while a group is still open: that group had no GRT. */
  closeGroupWithoutTrailer(): void {
    if (this.group === null) return;
    this.trailerProblems.push(
      `group ${this.group.groupId ?? '?'} (line ${this.group.line}) has no GRT trailer`,
    );
    this.group = null;
  }
}
