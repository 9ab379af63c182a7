// The detail records of a work transaction: one handler per record type, in DETAIL_RECORDS.
// Each adds what its record carries to the work being read, or checks that the record names
// a party read before it in the transaction (and rejects the transaction if not). A detail
// record without a handler (EWT, VER, ORN, and those without a layout: NPN, NWN, NAT, ...)
// has had its fields checked by parseRecord and adds nothing to a Work.

import { normaliseIsrc } from '../../core/identifiers/index.ts';
import type { Publisher, Writer } from '../../core/schemas/index.ts';
import { TransactionRejected, type RawRecord } from './reader-state.ts';
import type { CwrRecord } from './records.ts';
import { societyName } from './societies.ts';

/** What the detail records of one work transaction have given so far. */
export class WorkDraft {
  readonly writers: Writer[] = [];
  readonly publishers: Publisher[] = [];
  readonly alternativeTitles: string[] = [];
  readonly performers: string[] = [];
  /** distinct, in file order */
  readonly isrcs: string[] = [];
  /** interested party numbers of the SPU/OPU and SWR/OWR read so far, for SPT, SWT and PWR */
  readonly publisherIps = new Set<string>();
  readonly writerIps = new Set<string>();
  /** PR ownership shares of publishers and writers, in basis points */
  prTotal = 0;

  constructor(readonly title: string) {}
}

type DetailHandler = (work: WorkDraft, rec: CwrRecord, raw: RawRecord) => void;

function joinName(first: string | null, second: string | null): string {
  return [first, second].filter((s): s is string => s !== null && s.length > 0).join(' ');
}

/** IPI name number: the 11-digit text, null when blank or all zeros. */
function ipi(value: string | null): string | null {
  if (value === null || /^0+$/.test(value)) return null;
  return value.padStart(11, '0');
}

/** SPU, OPU: a publisher with its PR share. */
function publisher(work: WorkDraft, rec: CwrRecord): void {
  const ip = rec.str('interestedPartyNumber');
  if (ip !== null) work.publisherIps.add(ip);
  const share = rec.share('prOwnershipShare');
  work.prTotal += share;
  work.publishers.push({
    name: rec.str('publisherName') ?? '',
    ipi: ipi(rec.str('publisherIpiNameNumber')),
    society: societyName(rec.str('prSociety')),
    shareBasisPoints: share,
  });
}

/** SPT: a publisher's territory, after an SPU of that publisher. */
function publisherTerritory(work: WorkDraft, rec: CwrRecord, raw: RawRecord): void {
  const ip = rec.str('interestedPartyNumber');
  if (ip !== null && !work.publisherIps.has(ip)) {
    throw new TransactionRejected(
      raw,
      `SPT for publisher ${ip} follows no SPU of that publisher (out of order)`,
      'interestedPartyNumber',
    );
  }
}

/** SWR, OWR: a writer with role and PR share. */
function writer(work: WorkDraft, rec: CwrRecord): void {
  const ip = rec.str('interestedPartyNumber');
  if (ip !== null) work.writerIps.add(ip);
  const share = rec.share('prOwnershipShare');
  work.prTotal += share;
  work.writers.push({
    name: joinName(rec.str('writerLastName'), rec.str('writerFirstName')),
    ipi: ipi(rec.str('writerIpiNameNumber')),
    role: rec.str('writerDesignationCode'),
    society: societyName(rec.str('prSociety')),
    shareBasisPoints: share,
  });
}

/** SWT: a writer's territory, after an SWR of that writer. */
function writerTerritory(work: WorkDraft, rec: CwrRecord, raw: RawRecord): void {
  const ip = rec.str('interestedPartyNumber');
  if (ip !== null && !work.writerIps.has(ip)) {
    throw new TransactionRejected(
      raw,
      `SWT for writer ${ip} follows no SWR of that writer (out of order)`,
      'interestedPartyNumber',
    );
  }
}

/** PWR: a writer's publisher; both must have been read before it. */
function publisherForWriter(work: WorkDraft, rec: CwrRecord, raw: RawRecord): void {
  const writerIp = rec.str('writerIpNumber');
  if (writerIp !== null && !work.writerIps.has(writerIp)) {
    throw new TransactionRejected(
      raw,
      `PWR for writer ${writerIp} follows no SWR of that writer (out of order)`,
      'writerIpNumber',
    );
  }
  const publisherIp = rec.str('publisherIpNumber');
  if (publisherIp !== null && !work.publisherIps.has(publisherIp)) {
    throw new TransactionRejected(
      raw,
      `PWR names publisher ${publisherIp}, which no SPU of this transaction has`,
      'publisherIpNumber',
    );
  }
}

/** ALT: an alternative title, unless it is the title or already listed. */
function alternateTitle(work: WorkDraft, rec: CwrRecord): void {
  const alt = rec.str('alternateTitle');
  if (alt !== null && alt !== work.title && !work.alternativeTitles.includes(alt)) {
    work.alternativeTitles.push(alt);
  }
}

/** PER: a performing artist, "first last", once. */
function performer(work: WorkDraft, rec: CwrRecord): void {
  const name = joinName(rec.str('performingArtistFirstName'), rec.str('performingArtistLastName'));
  if (name.length > 0 && !work.performers.includes(name)) work.performers.push(name);
}

/** REC: a recording; its ISRC, when given, must be valid and becomes an ISRC → work link. */
function recording(work: WorkDraft, rec: CwrRecord, raw: RawRecord): void {
  const isrcText = rec.str('isrc');
  if (isrcText === null) return;
  const n = normaliseIsrc(isrcText);
  if (!n.ok) throw new TransactionRejected(raw, `REC field isrc (columns 250-261): ${n.reason}`, 'isrc');
  if (!work.isrcs.includes(n.value)) work.isrcs.push(n.value);
}

export const DETAIL_RECORDS: ReadonlyMap<string, DetailHandler> = new Map<string, DetailHandler>([
  ['SPU', publisher],
  ['OPU', publisher],
  ['SPT', publisherTerritory],
  ['SWR', writer],
  ['OWR', writer],
  ['SWT', writerTerritory],
  ['PWR', publisherForWriter],
  ['ALT', alternateTitle],
  ['PER', performer],
  ['REC', recording],
]);
