// CISAC CWR 2.1 / 2.2 reader: a whole file in, works and ISRC → work links out.
//
// Structure: HDR, then groups (GRH … GRT), each holding transactions, then TRL. A work
// transaction (NWR, REV, ISW) becomes a `Work`; its REC records give `RecordingLink`s. A
// transaction with a bad record (unknown record type, malformed field, invalid ISWC or ISRC,
// a record out of order) is rejected as a whole with the record type, line and field at fault;
// the other transactions still load. Group and transmission counts are checked against the
// GRT and TRL trailers.

import { normaliseIsrc, normaliseIswc } from '../../core/identifiers/index.ts';
import type { Link, Publisher, RecordingLink, Work, Writer } from '../../core/schemas/index.ts';
import {
  DETAIL_RANK,
  LAYOUTS,
  TRANSACTION_TYPES,
  WORK_DETAIL_TYPES,
  WORK_TRANSACTION_TYPES,
  fieldsFor,
  isFieldError,
  layoutOf,
  parseRecord,
  readField,
  type CwrRecord,
  type CwrVersion,
  type FieldValue,
  type RecordLayout,
} from './records.ts';
import { societyName } from './societies.ts';

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

interface RawRecord {
  recordType: string;
  line: number;
  text: string;
}

interface Group {
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

interface PendingTransaction {
  header: RawRecord;
  details: RawRecord[];
  group: Group | null;
}

const EPOCH = new Date(0);

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

function headerVersion(text: string | null): CwrVersion | null | undefined {
  if (text === null) return undefined;
  const t = text.replace(/\s+/g, '');
  if (t === '2.2' || t === '02.20') return '2.2';
  if (t === '2.1' || t === '02.10' || t === '2.0' || t === '02.00') return '2.1';
  return null;
}

function joinName(first: string | null, second: string | null): string {
  return [first, second].filter((s): s is string => s !== null && s.length > 0).join(' ');
}

/** IPI name number: the 11-digit text, null when blank or all zeros. */
function ipi(value: string | null): string | null {
  if (value === null || /^0+$/.test(value)) return null;
  return value.padStart(11, '0');
}

class TransactionRejected extends Error {
  constructor(
    readonly record: RawRecord,
    readonly reason: string,
    readonly field?: string,
  ) {
    super(reason);
  }
}

class CwrReader {
  private readonly source: string;
  private readonly fallbackDate: Date;

  private header: CwrHeader = {
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
  private versionSettled = false;
  private group: Group | null = null;
  private tx: PendingTransaction | null = null;
  private records = 0;
  private groups = 0;
  private transactionsRead = 0;
  private skipped = 0;
  private trailerSeen: number | null = null;
  private readonly skippedTypesWarned = new Set<string>();
  private readonly workLines = new Map<string, number>();

  private readonly transactions: CwrTransaction[] = [];
  private readonly rejected: CwrRejection[] = [];
  private readonly issues: CwrIssue[] = [];
  private readonly trailerProblems: string[] = [];

  constructor(options: CwrParseOptions) {
    this.source = options.source;
    this.fallbackDate = options.fallbackDate ?? EPOCH;
  }

  read(text: string): CwrResult {
    const lines = splitLines(text);
    for (let i = 0; i < lines.length; i++) this.line(lines[i] as string, i + 1);
    this.end();
    return {
      header: this.header,
      transactions: this.transactions,
      recordingLinks: mergeLinks(this.transactions),
      rejected: this.rejected,
      issues: this.issues,
      counts: {
        read: this.transactionsRead,
        loaded: this.transactions.length,
        rejected: this.rejected.length,
        skipped: this.skipped,
        groups: this.groups,
        records: this.records,
      },
      trailerCheck: this.trailerProblems.length === 0 ? 'OK' : this.trailerProblems.join('; '),
    };
  }

  private issue(
    severity: CwrIssue['severity'],
    line: number | null,
    recordType: string | null,
    reason: string,
    field?: string,
  ) {
    this.issues.push(
      field === undefined
        ? { severity, line, recordType, reason }
        : { severity, line, recordType, field, reason },
    );
  }

  private line(text: string, lineNumber: number): void {
    if (text.trim().length === 0) {
      this.issue('warning', lineNumber, null, 'empty line skipped (not counted as a record)');
      return;
    }
    const recordType = text.slice(0, 3);
    this.records++;
    if (this.group) this.group.records++;
    if (this.trailerSeen !== null) {
      this.issue(
        'error',
        lineNumber,
        recordType,
        `record after the TRL trailer (line ${this.trailerSeen}) not read`,
      );
      if (!this.trailerProblems.some((p) => p.startsWith('records after the TRL'))) {
        this.trailerProblems.push(`records after the TRL trailer (from line ${lineNumber})`);
      }
      return;
    }
    const raw: RawRecord = { recordType, line: lineNumber, text };
    if (this.records === 1 && recordType !== 'HDR') {
      this.issue('error', lineNumber, recordType, 'the file does not start with an HDR record');
    }
    switch (recordType) {
      case 'HDR':
        this.readHeader(raw);
        return;
      case 'GRH':
        this.finishTransaction();
        this.openGroup(raw);
        return;
      case 'GRT':
        this.finishTransaction();
        this.closeGroup(raw);
        return;
      case 'TRL':
        this.finishTransaction();
        this.readTrailer(raw);
        return;
    }
    if (this.opensTransaction(recordType)) {
      this.finishTransaction();
      if (this.group === null) {
        this.issue(
          'error',
          lineNumber,
          recordType,
          `${recordType} transaction outside a group (no GRH before it)`,
        );
      }
      if (this.group) this.group.transactions++;
      this.transactionsRead++;
      this.tx = { header: raw, details: [], group: this.group };
      return;
    }
    if (this.tx) {
      this.tx.details.push(raw);
      return;
    }
    const what = WORK_DETAIL_TYPES.has(recordType)
      ? `${recordType} record`
      : `unknown record type ${JSON.stringify(recordType)}`;
    this.issue('error', lineNumber, recordType, `${what} outside a transaction, not read`);
  }

  private opensTransaction(recordType: string): boolean {
    const type = this.group?.transactionType;
    if (type === undefined) return TRANSACTION_TYPES.has(recordType);
    if (WORK_TRANSACTION_TYPES.has(type)) return WORK_TRANSACTION_TYPES.has(recordType);
    if (TRANSACTION_TYPES.has(type)) return recordType === type;
    return TRANSACTION_TYPES.has(recordType);
  }

  // ---- HDR / GRH / GRT / TRL -------------------------------------------------------------

  /** Reads each HDR field on its own: a bad field is reported and left null, the rest is kept. */
  private fields(raw: RawRecord, layoutDef: RecordLayout, version: CwrVersion): Map<string, FieldValue> {
    const out = new Map<string, FieldValue>();
    for (const def of fieldsFor(layoutDef, version)) {
      const v = readField(raw.text, raw.recordType, def);
      if (isFieldError(v)) {
        this.issue('error', raw.line, raw.recordType, v.reason, v.field);
        out.set(def.name, null);
      } else out.set(def.name, v);
    }
    return out;
  }

  private readHeader(raw: RawRecord): void {
    if (this.header.line !== null) {
      this.issue(
        'error',
        raw.line,
        'HDR',
        `second HDR record (the first is on line ${this.header.line}) ignored`,
      );
      return;
    }
    const has22 = raw.text.trimEnd().length > 101;
    const v = this.fields(raw, LAYOUTS.get('HDR') as RecordLayout, has22 ? '2.2' : '2.1');
    const s = (name: string): string | null => {
      const x = v.get(name);
      return x === undefined || x === null ? null : String(x);
    };
    const senderType = s('senderType');
    const senderId = s('senderId');
    // An IPI name number longer than 9 digits puts its first two digits in the sender type:
    // the type is then unknown and the sender id is the whole 11-digit number.
    const numericType = senderType !== null && /^\d{2}$/.test(senderType);
    const date = s('creationDate');
    const time = s('creationTime') ?? '000000';
    let creationDate: Date | null = null;
    if (date !== null) {
      creationDate = new Date(
        Date.UTC(
          Number(date.slice(0, 4)),
          Number(date.slice(4, 6)) - 1,
          Number(date.slice(6, 8)),
          Number(time.slice(0, 2)),
          Number(time.slice(2, 4)),
          Number(time.slice(4, 6)),
        ),
      );
    } else {
      this.issue(
        'warning',
        raw.line,
        'HDR',
        'no valid creation date: ISRC links get the fallback date',
        'creationDate',
      );
    }
    const cwrVersion = s('cwrVersion');
    const version = headerVersion(cwrVersion);
    if (version === null) {
      this.issue(
        'error',
        raw.line,
        'HDR',
        `CWR version ${JSON.stringify(cwrVersion)} is not read (2.1 and 2.2 are)`,
        'cwrVersion',
      );
    }
    const revision = s('cwrRevision');
    this.header = {
      senderType: numericType ? null : senderType,
      senderId: numericType && senderId !== null ? `${senderType}${senderId}` : senderId,
      senderName: s('senderName'),
      ediStandardVersion: s('ediStandardVersion'),
      creationDate,
      transmissionDate: s('transmissionDate'),
      characterSet: s('characterSet'),
      version: version ?? '2.1',
      revision: revision === null ? null : Number(revision),
      softwarePackage: s('softwarePackage'),
      softwarePackageVersion: s('softwarePackageVersion'),
      line: raw.line,
    };
    if (version) this.versionSettled = true;
  }

  private openGroup(raw: RawRecord): void {
    if (this.group) {
      this.trailerProblems.push(
        `group ${this.group.groupId ?? '?'} (line ${this.group.line}) has no GRT trailer`,
      );
      this.group = null;
    }
    this.groups++;
    const v = this.fields(raw, LAYOUTS.get('GRH') as RecordLayout, '2.1');
    const versionText = v.get('versionNumber') === null ? '' : String(v.get('versionNumber'));
    let version = headerVersion(versionText.length > 0 ? versionText : null);
    if (version === undefined) version = this.header.version;
    if (version !== null && !this.versionSettled) {
      this.header.version = version;
      this.versionSettled = true;
    }
    if (version === null) {
      this.issue(
        'error',
        raw.line,
        'GRH',
        `CWR version ${JSON.stringify(versionText)} is not read (2.1 and 2.2 are)`,
        'versionNumber',
      );
    }
    const groupId = v.get('groupId');
    this.group = {
      transactionType: String(v.get('transactionType') ?? ''),
      groupId: groupId === null || groupId === undefined ? null : Number(groupId),
      line: raw.line,
      version,
      versionText,
      transactions: 0,
      records: 1,
      lastTransactionSequence: null,
    };
    if (this.group.groupId !== null && this.group.groupId !== this.groups) {
      this.issue(
        'warning',
        raw.line,
        'GRH',
        `group id ${this.group.groupId}, expected ${this.groups} (groups are numbered from 1)`,
        'groupId',
      );
    }
  }

  private closeGroup(raw: RawRecord): void {
    const group = this.group;
    if (group === null) {
      this.trailerProblems.push(`GRT on line ${raw.line} closes no group (no GRH before it)`);
      return;
    }
    this.group = null;
    const name = `group ${group.groupId ?? '?'} (GRT line ${raw.line})`;
    const v = this.fields(raw, LAYOUTS.get('GRT') as RecordLayout, '2.1');
    const check = (field: string, actual: number | null, what: string) => {
      const stated = v.get(field);
      if (stated === null || stated === undefined) {
        this.trailerProblems.push(`${name}: ${field} is blank or not numeric`);
      } else if (actual !== null && Number(stated) !== actual) {
        this.trailerProblems.push(`${name}: ${field} ${Number(stated)}, but ${actual} ${what}`);
      }
    };
    check('groupId', group.groupId, 'in its GRH');
    check('transactionCount', group.transactions, 'transactions read in the group');
    check('recordCount', group.records, 'records read from GRH to GRT');
  }

  private readTrailer(raw: RawRecord): void {
    if (this.group) {
      this.trailerProblems.push(
        `group ${this.group.groupId ?? '?'} (line ${this.group.line}) has no GRT trailer`,
      );
      this.group = null;
    }
    this.trailerSeen = raw.line;
    const v = this.fields(raw, LAYOUTS.get('TRL') as RecordLayout, '2.1');
    const check = (field: string, actual: number, what: string) => {
      const stated = v.get(field);
      if (stated === null || stated === undefined) {
        this.trailerProblems.push(`TRL (line ${raw.line}): ${field} is blank or not numeric`);
      } else if (Number(stated) !== actual) {
        this.trailerProblems.push(
          `TRL (line ${raw.line}): ${field} ${Number(stated)}, but ${actual} ${what}`,
        );
      }
    };
    check('groupCount', this.groups, 'groups read');
    check('transactionCount', this.transactionsRead, 'transactions read');
    check('recordCount', this.records, 'records read from HDR to TRL');
  }

  private end(): void {
    this.finishTransaction();
    if (this.group) {
      this.trailerProblems.push(
        `group ${this.group.groupId ?? '?'} (line ${this.group.line}) has no GRT trailer`,
      );
      this.group = null;
    }
    if (this.header.line === null) this.issue('error', null, 'HDR', 'no HDR record in the file');
    if (this.trailerSeen === null) this.trailerProblems.push('no TRL trailer');
  }

  // ---- transactions ------------------------------------------------------------------------

  private finishTransaction(): void {
    const tx = this.tx;
    if (tx === null) return;
    this.tx = null;
    const type = tx.header.recordType;
    const groupType = tx.group?.transactionType ?? null;
    if (!WORK_TRANSACTION_TYPES.has(type) || (groupType !== null && !WORK_TRANSACTION_TYPES.has(groupType))) {
      this.skipped++;
      const key = groupType ?? type;
      if (!this.skippedTypesWarned.has(key)) {
        this.skippedTypesWarned.add(key);
        this.issue('warning', tx.header.line, type, `${key} transactions give no works: counted, not loaded`);
      }
      return;
    }
    try {
      const t = this.readWork(tx);
      const earlier = this.workLines.get(t.submitterWorkNumber);
      if (earlier !== undefined) {
        this.issue(
          'warning',
          t.line,
          t.transactionType,
          `submitter work number ${t.submitterWorkNumber} also on line ${earlier}: both give work ${t.work.workId}`,
          'submitterWorkNumber',
        );
      } else this.workLines.set(t.submitterWorkNumber, t.line);
      this.transactions.push(t);
    } catch (e) {
      if (!(e instanceof TransactionRejected)) throw e;
      const seqText = tx.header.text.slice(3, 11).trim();
      this.rejected.push({
        transactionSequence: /^\d+$/.test(seqText) ? Number(seqText) : null,
        transactionType: type,
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

  private parse(raw: RawRecord, version: CwrVersion): CwrRecord {
    const r = parseRecord(raw.text, raw.line, layoutOf(raw.recordType), version);
    if (!r.ok) throw new TransactionRejected(raw, r.reason, r.field);
    return r.record;
  }

  private readWork(tx: PendingTransaction): CwrTransaction {
    const group = tx.group;
    const type = tx.header.recordType as CwrTransactionType;
    if (group && group.version === null) {
      throw new TransactionRejected(
        tx.header,
        `CWR version ${JSON.stringify(group.versionText)} of the group is not read (2.1 and 2.2 are)`,
      );
    }
    const version = group?.version ?? this.header.version;
    if (group && group.transactionType !== type) {
      this.issue('warning', tx.header.line, type, `${type} transaction in a ${group.transactionType} group`);
    }

    const head = this.parse(tx.header, version);
    const txSeq = head.int('transactionSequence');
    if (txSeq === null)
      throw new TransactionRejected(
        tx.header,
        `${type} transaction sequence (columns 4-11) is blank`,
        'transactionSequence',
      );
    if (group) {
      const expected = group.lastTransactionSequence === null ? 0 : group.lastTransactionSequence + 1;
      group.lastTransactionSequence = txSeq;
      if (txSeq !== expected) {
        throw new TransactionRejected(
          tx.header,
          `transaction sequence ${txSeq} out of order: expected ${expected} (sequential from 0 in a group)`,
          'transactionSequence',
        );
      }
    }
    if (head.int('recordSequence') !== 0) {
      throw new TransactionRejected(
        tx.header,
        `${type} record sequence ${head.str('recordSequence') ?? 'blank'}: a transaction header has 0`,
        'recordSequence',
      );
    }
    const title = head.str('title');
    if (title === null)
      throw new TransactionRejected(tx.header, `${type} work title (columns 20-79) is blank`, 'title');
    const submitterWorkNumber = head.str('submitterWorkNumber');
    if (submitterWorkNumber === null) {
      throw new TransactionRejected(
        tx.header,
        `${type} submitter work number (columns 82-95) is blank`,
        'submitterWorkNumber',
      );
    }
    let iswc: string | null = null;
    const iswcText = head.str('iswc');
    if (iswcText !== null) {
      const r = normaliseIswc(iswcText);
      if (!r.ok)
        throw new TransactionRejected(tx.header, `${type} field iswc (columns 96-106): ${r.reason}`, 'iswc');
      iswc = r.value;
    }
    const workId = `${this.source}:${submitterWorkNumber}`;

    const writers: Writer[] = [];
    const publishers: Publisher[] = [];
    const alternativeTitles: string[] = [];
    const performers: string[] = [];
    const isrcs: string[] = [];
    const publisherIps = new Set<string>();
    const writerIps = new Set<string>();
    let prTotal = 0;
    let previousSeq = 0;
    let rank = 0;
    let rankedAfter: string = type;

    for (const raw of tx.details) {
      const t = raw.recordType;
      if (!WORK_DETAIL_TYPES.has(t)) {
        throw new TransactionRejected(
          raw,
          `unknown record type ${JSON.stringify(t)} in a ${type} transaction`,
        );
      }
      const rec = this.parse(raw, version);
      const seq = rec.int('transactionSequence');
      if (seq !== txSeq) {
        throw new TransactionRejected(
          raw,
          `${t} has transaction sequence ${rec.str('transactionSequence') ?? 'blank'} inside transaction ${txSeq} (out of order)`,
          'transactionSequence',
        );
      }
      const recSeq = rec.int('recordSequence');
      if (recSeq !== previousSeq + 1) {
        throw new TransactionRejected(
          raw,
          `${t} record sequence ${rec.str('recordSequence') ?? 'blank'} out of order: expected ${previousSeq + 1}`,
          'recordSequence',
        );
      }
      previousSeq = recSeq;
      const r = DETAIL_RANK.get(t) ?? 3;
      if (r < rank) {
        throw new TransactionRejected(
          raw,
          `${t} record after ${rankedAfter} is out of order (publishers, then writers, then titles, performers, recordings)`,
        );
      }
      if (r > rank) {
        rank = r;
        rankedAfter = t;
      }

      switch (t) {
        case 'SPU':
        case 'OPU': {
          const ip = rec.str('interestedPartyNumber');
          if (ip !== null) publisherIps.add(ip);
          const share = rec.share('prOwnershipShare');
          prTotal += share;
          publishers.push({
            name: rec.str('publisherName') ?? '',
            ipi: ipi(rec.str('publisherIpiNameNumber')),
            society: societyName(rec.str('prSociety')),
            shareBasisPoints: share,
          });
          break;
        }
        case 'SPT': {
          const ip = rec.str('interestedPartyNumber');
          if (ip !== null && !publisherIps.has(ip)) {
            throw new TransactionRejected(
              raw,
              `SPT for publisher ${ip} follows no SPU of that publisher (out of order)`,
              'interestedPartyNumber',
            );
          }
          break;
        }
        case 'SWR':
        case 'OWR': {
          const ip = rec.str('interestedPartyNumber');
          if (ip !== null) writerIps.add(ip);
          const share = rec.share('prOwnershipShare');
          prTotal += share;
          writers.push({
            name: joinName(rec.str('writerLastName'), rec.str('writerFirstName')),
            ipi: ipi(rec.str('writerIpiNameNumber')),
            role: rec.str('writerDesignationCode'),
            society: societyName(rec.str('prSociety')),
            shareBasisPoints: share,
          });
          break;
        }
        case 'SWT': {
          const ip = rec.str('interestedPartyNumber');
          if (ip !== null && !writerIps.has(ip)) {
            throw new TransactionRejected(
              raw,
              `SWT for writer ${ip} follows no SWR of that writer (out of order)`,
              'interestedPartyNumber',
            );
          }
          break;
        }
        case 'PWR': {
          const writerIp = rec.str('writerIpNumber');
          if (writerIp !== null && !writerIps.has(writerIp)) {
            throw new TransactionRejected(
              raw,
              `PWR for writer ${writerIp} follows no SWR of that writer (out of order)`,
              'writerIpNumber',
            );
          }
          const publisherIp = rec.str('publisherIpNumber');
          if (publisherIp !== null && !publisherIps.has(publisherIp)) {
            throw new TransactionRejected(
              raw,
              `PWR names publisher ${publisherIp}, which no SPU of this transaction has`,
              'publisherIpNumber',
            );
          }
          break;
        }
        case 'ALT': {
          const alt = rec.str('alternateTitle');
          if (alt !== null && alt !== title && !alternativeTitles.includes(alt)) alternativeTitles.push(alt);
          break;
        }
        case 'PER': {
          const name = joinName(rec.str('performingArtistFirstName'), rec.str('performingArtistLastName'));
          if (name.length > 0 && !performers.includes(name)) performers.push(name);
          break;
        }
        case 'REC': {
          const isrcText = rec.str('isrc');
          if (isrcText !== null) {
            const n = normaliseIsrc(isrcText);
            if (!n.ok)
              throw new TransactionRejected(raw, `REC field isrc (columns 250-261): ${n.reason}`, 'isrc');
            if (!isrcs.includes(n.value)) isrcs.push(n.value);
          }
          break;
        }
        default:
          break;
      }
    }

    if (prTotal !== 0 && Math.abs(prTotal - 10000) > 6) {
      this.issue(
        'warning',
        tx.header.line,
        type,
        `work ${submitterWorkNumber}: PR ownership shares add up to ${(prTotal / 100).toFixed(2)} %, not 100 %`,
      );
    }

    const work: Work = {
      workId,
      iswc,
      title,
      alternativeTitles,
      writers,
      publishers,
      performers,
      source: this.source,
    };
    const assertedAt = this.header.creationDate ?? this.fallbackDate;
    const recordingLinks: RecordingLink[] = isrcs.map((isrc) => ({
      isrc,
      links: [{ workId, iswc, title, source: this.source, assertedAt }],
    }));
    const last = tx.details[tx.details.length - 1] ?? tx.header;
    return {
      transactionType: type,
      transactionSequence: txSeq,
      groupId: group?.groupId ?? null,
      submitterWorkNumber,
      line: tx.header.line,
      lastLine: last.line,
      recordCount: tx.details.length + 1,
      work,
      recordingLinks,
    };
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
