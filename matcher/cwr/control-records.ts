// The records around the transactions: HDR (transmission header), GRH (group header), GRT
// (group trailer), TRL (transmission trailer). A bad field of these is reported as an issue and
// the rest of the record still read; the counts GRT and TRL state are checked against what was
// read, and what disagrees becomes the result's trailerCheck.

import type { ReaderState, RawRecord } from './reader-state.ts';
import { LAYOUTS } from './layouts.ts';
import {
  fieldsFor,
  isFieldError,
  readField,
  type CwrVersion,
  type FieldValue,
  type RecordLayout,
} from './records.ts';

type Fields = Map<string, FieldValue>;

/** The handler of each control record; `closesTransaction`: the open transaction ends before it. */
export const CONTROL_RECORDS: ReadonlyMap<
  string,
  { closesTransaction: boolean; read: (state: ReaderState, raw: RawRecord) => void }
> = new Map([
  ['HDR', { closesTransaction: false, read: readHdr }],
  ['GRH', { closesTransaction: true, read: readGrh }],
  ['GRT', { closesTransaction: true, read: readGrt }],
  ['TRL', { closesTransaction: true, read: readTrl }],
]);

/** The version a HDR or GRH names: undefined when it names none, null when this reader does not handle it. */
export function headerVersion(text: string | null): CwrVersion | null | undefined {
  if (text === null) return undefined;
  const t = text.replace(/\s+/g, '');
  if (t === '2.2' || t === '02.20') return '2.2';
  if (t === '2.1' || t === '02.10' || t === '2.0' || t === '02.00') return '2.1';
  return null;
}

/** Reads each field on its own: a bad field is reported and left null, the rest is kept. */
function fields(state: ReaderState, raw: RawRecord, version: CwrVersion): Fields {
  const out: Fields = new Map();
  for (const def of fieldsFor(LAYOUTS.get(raw.recordType) as RecordLayout, version)) {
    const v = readField(raw.text, raw.recordType, def);
    if (isFieldError(v)) {
      state.issue('error', raw.line, raw.recordType, v.reason, v.field);
      out.set(def.name, null);
    } else out.set(def.name, v);
  }
  return out;
}

function text(v: Fields, name: string): string | null {
  const x = v.get(name);
  return x === undefined || x === null ? null : String(x);
}

// ---- HDR -----------------------------------------------------------------------------------

function readHdr(state: ReaderState, raw: RawRecord): void {
  if (state.header.line !== null) {
    state.issue(
      'error',
      raw.line,
      'HDR',
      `second HDR record (the first is on line ${state.header.line}) ignored`,
    );
    return;
  }
  // Only 2.2 headers reach past column 101.
  const has22 = raw.text.trimEnd().length > 101;
  const v = fields(state, raw, has22 ? '2.2' : '2.1');
  const s = (name: string) => text(v, name);
  const creationDate = hdrCreationDate(state, raw, s('creationDate'), s('creationTime'));
  const cwrVersion = s('cwrVersion');
  const version = headerVersion(cwrVersion);
  if (version === null) {
    state.issue(
      'error',
      raw.line,
      'HDR',
      `CWR version ${JSON.stringify(cwrVersion)} is not read (2.1 and 2.2 are)`,
      'cwrVersion',
    );
  }
  const revision = s('cwrRevision');
  state.header = {
    ...hdrSender(s('senderType'), s('senderId')),
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
  if (version) state.versionSettled = true;
}

/**
 * An IPI name number longer than 9 digits puts its first two digits in the sender type:
 * the type is then unknown and the sender id is the whole 11-digit number.
 */
function hdrSender(
  senderType: string | null,
  senderId: string | null,
): { senderType: string | null; senderId: string | null } {
  const numericType = senderType !== null && /^\d{2}$/.test(senderType);
  return {
    senderType: numericType ? null : senderType,
    senderId: numericType && senderId !== null ? `${senderType}${senderId}` : senderId,
  };
}

/** Creation date and time (UTC); a warning when there is no valid date, as the ISRC links then get the fallback date. */
function hdrCreationDate(
  state: ReaderState,
  raw: RawRecord,
  date: string | null,
  timeText: string | null,
): Date | null {
  if (date === null) {
    state.issue(
      'warning',
      raw.line,
      'HDR',
      'no valid creation date: ISRC links get the fallback date',
      'creationDate',
    );
    return null;
  }
  const time = timeText ?? '000000';
  return new Date(
    Date.UTC(
      Number(date.slice(0, 4)),
      Number(date.slice(4, 6)) - 1,
      Number(date.slice(6, 8)),
      Number(time.slice(0, 2)),
      Number(time.slice(2, 4)),
      Number(time.slice(4, 6)),
    ),
  );
}

// ---- GRH -----------------------------------------------------------------------------------

function readGrh(state: ReaderState, raw: RawRecord): void {
  state.closeGroupWithoutTrailer();
  state.groups++;
  const v = fields(state, raw, '2.1');
  const versionText = v.get('versionNumber') === null ? '' : String(v.get('versionNumber'));
  let version = headerVersion(versionText.length > 0 ? versionText : null);
  if (version === undefined) version = state.header.version;
  if (version !== null && !state.versionSettled) {
    state.header.version = version;
    state.versionSettled = true;
  }
  if (version === null) {
    state.issue(
      'error',
      raw.line,
      'GRH',
      `CWR version ${JSON.stringify(versionText)} is not read (2.1 and 2.2 are)`,
      'versionNumber',
    );
  }
  const groupId = v.get('groupId');
  state.group = {
    transactionType: String(v.get('transactionType') ?? ''),
    groupId: groupId === null || groupId === undefined ? null : Number(groupId),
    line: raw.line,
    version,
    versionText,
    transactions: 0,
    records: 1,
    lastTransactionSequence: null,
  };
  if (state.group.groupId !== null && state.group.groupId !== state.groups) {
    state.issue(
      'warning',
      raw.line,
      'GRH',
      `group id ${state.group.groupId}, expected ${state.groups} (groups are numbered from 1)`,
      'groupId',
    );
  }
}

// ---- GRT and TRL ---------------------------------------------------------------------------

/** A count a trailer states against what was read (actual null: nothing to compare with). */
function checkCount(
  state: ReaderState,
  where: string,
  v: Fields,
  field: string,
  actual: number | null,
  what: string,
): void {
  const stated = v.get(field);
  if (stated === null || stated === undefined) {
    state.trailerProblems.push(`${where}: ${field} is blank or not numeric`);
  } else if (actual !== null && Number(stated) !== actual) {
    state.trailerProblems.push(`${where}: ${field} ${Number(stated)}, but ${actual} ${what}`);
  }
}

function readGrt(state: ReaderState, raw: RawRecord): void {
  const group = state.group;
  if (group === null) {
    state.trailerProblems.push(`GRT on line ${raw.line} closes no group (no GRH before it)`);
    return;
  }
  state.group = null;
  const where = `group ${group.groupId ?? '?'} (GRT line ${raw.line})`;
  const v = fields(state, raw, '2.1');
  checkCount(state, where, v, 'groupId', group.groupId, 'in its GRH');
  checkCount(state, where, v, 'transactionCount', group.transactions, 'transactions read in the group');
  checkCount(state, where, v, 'recordCount', group.records, 'records read from GRH to GRT');
}

function readTrl(state: ReaderState, raw: RawRecord): void {
  state.closeGroupWithoutTrailer();
  state.trailerSeen = raw.line;
  const where = `TRL (line ${raw.line})`;
  const v = fields(state, raw, '2.1');
  checkCount(state, where, v, 'groupCount', state.groups, 'groups read');
  checkCount(state, where, v, 'transactionCount', state.transactionsRead, 'transactions read');
  checkCount(state, where, v, 'recordCount', state.records, 'records read from HDR to TRL');
}
