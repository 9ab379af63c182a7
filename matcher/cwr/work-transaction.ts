// A work transaction (an NWR, REV or ISW header and its detail records) read into a
// CwrTransaction: the Work and its ISRC → work links. Any record at fault (malformed field,
// invalid ISWC or ISRC, sequence or order wrong) throws TransactionRejected: the whole
// transaction is rejected. What each detail record gives is in work-details.ts.

import { normaliseIswc } from '../../core/identifiers/index.ts';
import type { RecordingLink, Work } from '../../core/schemas/index.ts';
import {
  TransactionRejected,
  type PendingTransaction,
  type RawRecord,
  type ReaderState,
} from './reader-state.ts';
import { DETAIL_RANK, WORK_DETAIL_TYPES, layoutOf } from './layouts.ts';
import { parseRecord, type CwrRecord, type CwrVersion } from './records.ts';
import type { CwrTransaction, CwrTransactionType } from './result.ts';
import { DETAIL_RECORDS, WorkDraft } from './work-details.ts';

/** The fields of the transaction header a CwrTransaction is made of. */
interface WorkHeader {
  transactionSequence: number;
  title: string;
  submitterWorkNumber: string;
  iswc: string | null;
}

function parse(raw: RawRecord, version: CwrVersion): CwrRecord {
  const r = parseRecord(raw.text, raw.line, layoutOf(raw.recordType), version);
  if (!r.ok) throw new TransactionRejected(raw, r.reason, r.field);
  return r.record;
}

export function readWorkTransaction(state: ReaderState, tx: PendingTransaction): CwrTransaction {
  const type = tx.header.recordType as CwrTransactionType;
  const version = transactionVersion(state, tx, type);
  const head = readWorkHeader(tx, type, version);
  const draft = new WorkDraft(head.title);
  const order = new DetailOrder(type, head.transactionSequence);
  for (const raw of tx.details) {
    if (!WORK_DETAIL_TYPES.has(raw.recordType)) {
      throw new TransactionRejected(
        raw,
        `unknown record type ${JSON.stringify(raw.recordType)} in a ${type} transaction`,
      );
    }
    const rec = parse(raw, version);
    order.check(raw, rec);
    DETAIL_RECORDS.get(raw.recordType)?.(draft, rec, raw);
  }
  checkShares(state, tx, type, head.submitterWorkNumber, draft.prTotal);
  return transactionOf(state, tx, type, head, draft);
}

/** The version the transaction is read as: its group's, else the file's. */
function transactionVersion(
  state: ReaderState,
  tx: PendingTransaction,
  type: CwrTransactionType,
): CwrVersion {
  const group = tx.group;
  if (group && group.version === null) {
    throw new TransactionRejected(
      tx.header,
      `CWR version ${JSON.stringify(group.versionText)} of the group is not read (2.1 and 2.2 are)`,
    );
  }
  if (group && group.transactionType !== type) {
    state.issue('warning', tx.header.line, type, `${type} transaction in a ${group.transactionType} group`);
  }
  return group?.version ?? state.header.version;
}

/** NWR, REV, ISW: the transaction header, with its sequence numbers checked. */
function readWorkHeader(tx: PendingTransaction, type: CwrTransactionType, version: CwrVersion): WorkHeader {
  const head = parse(tx.header, version);
  const transactionSequence = head.int('transactionSequence');
  if (transactionSequence === null) {
    throw new TransactionRejected(
      tx.header,
      `${type} transaction sequence (columns 4-11) is blank`,
      'transactionSequence',
    );
  }
  checkTransactionSequence(tx, transactionSequence);
  if (head.int('recordSequence') !== 0) {
    throw new TransactionRejected(
      tx.header,
      `${type} record sequence ${head.str('recordSequence') ?? 'blank'}: a transaction header has 0`,
      'recordSequence',
    );
  }
  const title = head.str('title');
  if (title === null) {
    throw new TransactionRejected(tx.header, `${type} work title (columns 20-79) is blank`, 'title');
  }
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
    if (!r.ok) {
      throw new TransactionRejected(tx.header, `${type} field iswc (columns 96-106): ${r.reason}`, 'iswc');
    }
    iswc = r.value;
  }
  return { transactionSequence, title, submitterWorkNumber, iswc };
}

/**
 * Transactions of a group are numbered from 0. The group remembers the number even when it is
 * wrong, so that one transaction out of order does not reject all that follow.
 */
function checkTransactionSequence(tx: PendingTransaction, transactionSequence: number): void {
  const group = tx.group;
  if (!group) return;
  const expected = group.lastTransactionSequence === null ? 0 : group.lastTransactionSequence + 1;
  group.lastTransactionSequence = transactionSequence;
  if (transactionSequence !== expected) {
    throw new TransactionRejected(
      tx.header,
      `transaction sequence ${transactionSequence} out of order: expected ${expected} (sequential from 0 in a group)`,
      'transactionSequence',
    );
  }
}

/** Where each detail record stands: its transaction, its record sequence, its rank (DETAIL_RANK). */
class DetailOrder {
  private previousSeq = 0;
  private rank = 0;
  private rankedAfter: string;

  constructor(
    type: string,
    private readonly transactionSequence: number,
  ) {
    this.rankedAfter = type;
  }

  check(raw: RawRecord, rec: CwrRecord): void {
    const t = raw.recordType;
    if (rec.int('transactionSequence') !== this.transactionSequence) {
      throw new TransactionRejected(
        raw,
        `${t} has transaction sequence ${rec.str('transactionSequence') ?? 'blank'} inside transaction ${this.transactionSequence} (out of order)`,
        'transactionSequence',
      );
    }
    const recSeq = rec.int('recordSequence');
    if (recSeq !== this.previousSeq + 1) {
      throw new TransactionRejected(
        raw,
        `${t} record sequence ${rec.str('recordSequence') ?? 'blank'} out of order: expected ${this.previousSeq + 1}`,
        'recordSequence',
      );
    }
    this.previousSeq = recSeq;
    const r = DETAIL_RANK.get(t) ?? 3;
    if (r < this.rank) {
      throw new TransactionRejected(
        raw,
        `${t} record after ${this.rankedAfter} is out of order (publishers, then writers, then titles, performers, recordings)`,
      );
    }
    if (r > this.rank) {
      this.rank = r;
      this.rankedAfter = t;
    }
  }
}

/** PR shares that add up to neither 0 nor 100 % (give or take rounding) are worth a warning, not a rejection. */
function checkShares(
  state: ReaderState,
  tx: PendingTransaction,
  type: CwrTransactionType,
  submitterWorkNumber: string,
  prTotal: number,
): void {
  if (prTotal !== 0 && Math.abs(prTotal - 10000) > 6) {
    state.issue(
      'warning',
      tx.header.line,
      type,
      `work ${submitterWorkNumber}: PR ownership shares add up to ${(prTotal / 100).toFixed(2)} %, not 100 %`,
    );
  }
}

function transactionOf(
  state: ReaderState,
  tx: PendingTransaction,
  type: CwrTransactionType,
  head: WorkHeader,
  draft: WorkDraft,
): CwrTransaction {
  const { title, submitterWorkNumber, iswc } = head;
  const workId = `${state.source}:${submitterWorkNumber}`;
  const work: Work = {
    workId,
    iswc,
    title,
    alternativeTitles: draft.alternativeTitles,
    writers: draft.writers,
    publishers: draft.publishers,
    performers: draft.performers,
    source: state.source,
  };
  const assertedAt = state.header.creationDate ?? state.fallbackDate;
  const recordingLinks: RecordingLink[] = draft.isrcs.map((isrc) => ({
    isrc,
    links: [{ workId, iswc, title, source: state.source, assertedAt }],
  }));
  const last = tx.details[tx.details.length - 1] ?? tx.header;
  return {
    transactionType: type,
    transactionSequence: head.transactionSequence,
    groupId: tx.group?.groupId ?? null,
    submitterWorkNumber,
    line: tx.header.line,
    lastLine: last.line,
    recordCount: tx.details.length + 1,
    work,
    recordingLinks,
  };
}
