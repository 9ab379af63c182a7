// CISAC CWR 2.1 / 2.2 reader: a whole file in, works and ISRC → work links out.
//
// Structure: HDR, then groups (GRH … GRT), each holding transactions, then TRL. A work
// transaction (NWR, REV, ISW) becomes a `Work`; its REC records give `RecordingLink`s. A
// transaction with a bad record (unknown record type, malformed field, invalid ISWC or ISRC,
// a record out of order) is rejected as a whole with the record type, line and field at fault;
// the other transactions still load. Group and transmission counts are checked against the
// GRT and TRL trailers.
//
// This file holds the line loop: which record opens, continues or closes a transaction. HDR,
// GRH, GRT and TRL are read in control-records.ts, work transactions in work-transaction.ts
// (their detail records, SPU … REC, in work-details.ts).

import type { Link, RecordingLink } from '../../core/schemas/index.ts';
import { CONTROL_RECORDS } from './control-records.ts';
import { ReaderState, TransactionRejected, type PendingTransaction, type RawRecord } from './reader-state.ts';
import { TRANSACTION_TYPES, WORK_DETAIL_TYPES, WORK_TRANSACTION_TYPES } from './layouts.ts';
import type { CwrParseOptions, CwrRejection, CwrResult, CwrTransaction } from './result.ts';
import { readWorkTransaction } from './work-transaction.ts';

/** Splits on CRLF, LF or CR; drops a byte-order mark, a DOS end-of-file mark and the empty text after a final line end. */
function splitLines(text: string): string[] {
  let body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let end = body.length;
  while (end > 0 && body.charCodeAt(end - 1) === 0x1a) end--;
  body = body.slice(0, end);
  const lines = body.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

class CwrReader {
  private readonly state: ReaderState;
  private tx: PendingTransaction | null = null;
  /** transactions of a type that gives no work */
  private skipped = 0;
  private readonly skippedTypesWarned = new Set<string>();
  /** line of the first transaction of each submitter work number */
  private readonly workLines = new Map<string, number>();
  private readonly transactions: CwrTransaction[] = [];
  private readonly rejected: CwrRejection[] = [];

  constructor(options: CwrParseOptions) {
    this.state = new ReaderState(options.source, options.fallbackDate);
  }

  read(text: string): CwrResult {
    const lines = splitLines(text);
    for (let i = 0; i < lines.length; i++) this.line(lines[i] as string, i + 1);
    this.end();
    const s = this.state;
    return {
      header: s.header,
      transactions: this.transactions,
      recordingLinks: mergeLinks(this.transactions),
      rejected: this.rejected,
      issues: s.issues,
      counts: {
        read: s.transactionsRead,
        loaded: this.transactions.length,
        rejected: this.rejected.length,
        skipped: this.skipped,
        groups: s.groups,
        records: s.records,
      },
      trailerCheck: s.trailerProblems.length === 0 ? 'OK' : s.trailerProblems.join('; '),
    };
  }

  private line(text: string, lineNumber: number): void {
    const s = this.state;
    if (text.trim().length === 0) {
      s.issue('warning', lineNumber, null, 'empty line skipped (not counted as a record)');
      return;
    }
    const recordType = text.slice(0, 3);
    s.records++;
    if (s.group) s.group.records++;
    if (s.trailerSeen !== null) {
      this.afterTrailer(recordType, lineNumber);
      return;
    }
    const raw: RawRecord = { recordType, line: lineNumber, text };
    if (s.records === 1 && recordType !== 'HDR') {
      s.issue('error', lineNumber, recordType, 'the file does not start with an HDR record');
    }
    const control = CONTROL_RECORDS.get(recordType);
    if (control) {
      if (control.closesTransaction) this.finishTransaction();
      control.read(s, raw);
    } else if (this.opensTransaction(recordType)) {
      this.openTransaction(raw);
    } else if (this.tx) {
      this.tx.details.push(raw);
    } else {
      const what = WORK_DETAIL_TYPES.has(recordType)
        ? `${recordType} record`
        : `unknown record type ${JSON.stringify(recordType)}`;
      s.issue('error', lineNumber, recordType, `${what} outside a transaction, not read`);
    }
  }

  private afterTrailer(recordType: string, lineNumber: number): void {
    const s = this.state;
    s.issue('error', lineNumber, recordType, `record after the TRL trailer (line ${s.trailerSeen}) not read`);
    if (!s.trailerProblems.some((p) => p.startsWith('records after the TRL'))) {
      s.trailerProblems.push(`records after the TRL trailer (from line ${lineNumber})`);
    }
  }

  /** In a group of work transactions, any of NWR, REV, ISW opens one; in another group, its own type. */
  private opensTransaction(recordType: string): boolean {
    const type = this.state.group?.transactionType;
    if (type === undefined) return TRANSACTION_TYPES.has(recordType);
    if (WORK_TRANSACTION_TYPES.has(type)) return WORK_TRANSACTION_TYPES.has(recordType);
    if (TRANSACTION_TYPES.has(type)) return recordType === type;
    return TRANSACTION_TYPES.has(recordType);
  }

  private openTransaction(raw: RawRecord): void {
    const s = this.state;
    this.finishTransaction();
    if (s.group === null) {
      s.issue(
        'error',
        raw.line,
        raw.recordType,
        `${raw.recordType} transaction outside a group (no GRH before it)`,
      );
    }
    if (s.group) s.group.transactions++;
    s.transactionsRead++;
    this.tx = { header: raw, details: [], group: s.group };
  }

  private end(): void {
    const s = this.state;
    this.finishTransaction();
    s.closeGroupWithoutTrailer();
    if (s.header.line === null) s.issue('error', null, 'HDR', 'no HDR record in the file');
    if (s.trailerSeen === null) s.trailerProblems.push('no TRL trailer');
  }

  private finishTransaction(): void {
    const tx = this.tx;
    if (tx === null) return;
    this.tx = null;
    const type = tx.header.recordType;
    const groupType = tx.group?.transactionType ?? null;
    if (!WORK_TRANSACTION_TYPES.has(type) || (groupType !== null && !WORK_TRANSACTION_TYPES.has(groupType))) {
      this.skip(tx, groupType ?? type);
      return;
    }
    try {
      this.loaded(readWorkTransaction(this.state, tx));
    } catch (e) {
      if (!(e instanceof TransactionRejected)) throw e;
      this.reject(tx, e);
    }
  }

  /** AGR, ACK, EXC: counted; a warning the first time each type is met. */
  private skip(tx: PendingTransaction, key: string): void {
    this.skipped++;
    if (!this.skippedTypesWarned.has(key)) {
      this.skippedTypesWarned.add(key);
      this.state.issue(
        'warning',
        tx.header.line,
        tx.header.recordType,
        `${key} transactions give no works: counted, not loaded`,
      );
    }
  }

  private loaded(t: CwrTransaction): void {
    const earlier = this.workLines.get(t.submitterWorkNumber);
    if (earlier !== undefined) {
      this.state.issue(
        'warning',
        t.line,
        t.transactionType,
        `submitter work number ${t.submitterWorkNumber} also on line ${earlier}: both give work ${t.work.workId}`,
        'submitterWorkNumber',
      );
    } else this.workLines.set(t.submitterWorkNumber, t.line);
    this.transactions.push(t);
  }

  private reject(tx: PendingTransaction, e: TransactionRejected): void {
    // Read from the raw header: the fields may be what made the transaction fail.
    const seqText = tx.header.text.slice(3, 11).trim();
    this.rejected.push({
      transactionSequence: /^\d+$/.test(seqText) ? Number(seqText) : null,
      transactionType: tx.header.recordType,
      submitterWorkNumber: tx.header.text.slice(81, 95).trim() || null,
      transactionLine: tx.header.line,
      recordType: e.record.recordType,
      line: e.record.line,
      ...(e.field === undefined ? {} : { field: e.field }),
      reason: e.reason,
      record: e.record.text,
    });
  }
}

/** One RecordingLink per ISRC over all transactions, links in file order, the same work once. */
function mergeLinks(transactions: CwrTransaction[]): RecordingLink[] {
  const byIsrc = new Map<string, Link[]>();
  for (const t of transactions) {
    for (const rl of t.recordingLinks) {
      const links = byIsrc.get(rl.isrc) ?? [];
      for (const link of rl.links) {
        if (!links.some((l) => l.workId === link.workId)) links.push(link);
      }
      byIsrc.set(rl.isrc, links);
    }
  }
  return [...byIsrc].map(([isrc, links]) => ({ isrc, links }));
}

/**
 * The text of a CWR file's bytes: UTF-8 when the bytes are valid UTF-8 (ASCII is), otherwise
 * ISO-8859-1, the traditional CWR character set, where every byte is one character so that
 * fixed-width columns stay in place.
 */
export function decodeCwr(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
}

/**
 * Reads a CWR 2.1 or 2.2 file (the whole text; CRLF, LF or CR line ends). Never throws on
 * bad content: rejected transactions, file-level issues and trailer disagreements are reported
 * in the result.
 */
export function parseCwr(text: string, options: CwrParseOptions): CwrResult {
  return new CwrReader(options).read(text);
}
