// Lines that cannot be read as records: too long, not UTF-8, of an unknown record type; and the
// check that the first record is a HEAD.
import { quoteValue as q } from '../../../core/values/index.ts';
import { findInvalidUtf8, hexByte } from '../../lines/utf8.ts';
import type { DsrFileState } from '../parser-state.ts';
import type { DeadRef } from '../block.ts';
import { splitCells, unescapeCell } from '../cells.ts';
import { knownRecordTypes } from '../record-types.ts';
import type { DeadOutcome, InputLine, LineOutcome } from '../types.ts';
import type { Fault } from '../validate.ts';
import { headLine } from './head.ts';
import { footerLine } from './footer.ts';

const HASH = 0x23;
const TAB = 0x09;

export function checkFirstRecord(s: DsrFileState, n: number, bytes: Buffer): void {
  s.firstRecordSeen = true;
  const head = bytes.subarray(0, 4).toString('latin1');
  const next = bytes.length > 4 ? bytes[4] : TAB;
  if ((head === 'HEAD' || head === 'FHEA') && next === TAB) {
    const cr = bytes.indexOf(0x0d);
    if (cr !== -1) {
      s.fileErrorText = `not a DSR flat file as delivered: the HEAD record (line ${n}) contains a carriage return at byte ${cr} that does not end a line; lines must end with LF or CRLF`;
    }
    return;
  }
  const shown = bytes.subarray(0, 60).toString('utf8');
  if (head === 'HEAD' || head === 'FHEA') {
    s.fileErrorText = `not a DSR flat file: the first record (line ${n}) ${q(shown)} starts with ${head} but is not tab-separated`;
  } else {
    s.fileErrorText = `not a DSR flat file: the first record (line ${n}) is ${q(shown)}, expected a HEAD record`;
  }
}

export function lineTooLong(s: DsrFileState, line: InputLine, bytes: Buffer): DeadOutcome {
  const length = line.byteLength ?? bytes.length;
  const kept = Math.min(bytes.length, s.maxLineBytes);
  const prefix = bytes.subarray(0, kept);
  if (!s.firstRecordSeen && prefix[0] !== HASH) checkFirstRecord(s, line.lineNumber, prefix);
  const cells = splitCells(prefix.toString('utf8'));
  const type = (cells[0] as string).trim();
  const c = prefix[0] === HASH ? null : s.compile(type);
  const ref: DeadRef = {
    lineNumber: line.lineNumber,
    errorClass: 'LINE_TOO_LONG',
    message: '',
    recordType: type,
  };
  const message =
    `line is ${length} bytes long, over the limit of ${s.maxLineBytes} bytes` +
    (c ? ` (record type ${c.layout.written})` : '') +
    `; only its first ${kept} bytes are kept in this dead letter`;
  ref.message = message;
  if (c) s.countForFooter(c.layout, cells);
  s.rememberDead(c ? c.layout : null, c ? cells.map(unescapeCell) : null, ref);
  return s.dead(
    { ...line, bytes: line.bytes.subarray(0, kept + (line.bytes.length - bytes.length)) },
    c ? type : undefined,
    {
      stage: 'parse',
      errorClass: 'LINE_TOO_LONG',
      message,
    },
  );
}

export function invalidUtf8(s: DsrFileState, line: InputLine, bytes: Buffer, shift: number): LineOutcome {
  const at = findInvalidUtf8(bytes);
  let cellNo = 1;
  for (let i = 0; i < at; i++) if (bytes[i] === TAB) cellNo++;
  // decode with replacement characters: the keys of a context line are usually ASCII
  const lossy = bytes.toString('utf8');
  const raw = splitCells(lossy);
  const type = (raw[0] as string).trim();
  const c = s.compile(type);
  const cellName = c ? c.layout.names[cellNo - 1] : undefined;
  const message =
    `invalid UTF-8: byte ${hexByte(bytes[at] as number)} at byte ${at} of the line (byte ${line.byteOffset + shift + at} of the file), ` +
    `in cell ${cellNo}${cellName ? ` (${cellName})` : ''}${c ? ` of a ${c.layout.written} record` : ''}; ` +
    'DSR files must be UTF-8 (a byte like this usually means the text was written as Latin-1 or Windows-1252)';
  const vals = raw.map(unescapeCell);
  if (c && (c.layout.role === 'head' || c.layout.role === 'footer')) {
    // File-level records are never dead-lettered: read them with replacement characters.
    s.warn(
      `line ${line.lineNumber}: ${message}; the ${c.layout.written} record was read with U+FFFD in place of the invalid bytes`,
    );
    s.total = raw.length;
    return c.layout.role === 'head'
      ? headLine(s, line.lineNumber, c.layout, raw, vals)
      : footerLine(s, line.lineNumber, c.layout, vals);
  }
  const ref: DeadRef = {
    lineNumber: line.lineNumber,
    errorClass: 'INVALID_UTF8',
    message,
    recordType: type,
  };
  if (c) {
    s.countForFooter(c.layout, vals);
    s.rememberDead(c.layout, vals, ref);
  } else s.rememberDead(null, null, ref);
  const fault: Fault = { stage: 'parse', errorClass: 'INVALID_UTF8', message };
  if (cellName !== undefined) fault.cell = cellName;
  return s.dead(line, c ? type : undefined, fault);
}

export function unknownRecordType(
  s: DsrFileState,
  line: InputLine,
  raw: string[],
  vals: string[],
): LineOutcome {
  const type = (raw[0] as string).trim();
  if (type === '') {
    if (vals.every((v) => v.trim() === '')) return s.context(line.lineNumber, '');
    const ref: DeadRef = {
      lineNumber: line.lineNumber,
      errorClass: 'UNKNOWN_RECORD_TYPE',
      message: '',
      recordType: '',
    };
    ref.message = `the first cell, which names the record type, is empty (the line has ${raw.length} cells)`;
    s.rememberDead(null, null, ref);
    return s.dead(line, undefined, {
      stage: 'parse',
      errorClass: 'UNKNOWN_RECORD_TYPE',
      message: ref.message,
      cell: 'RecordType',
    });
  }
  const hint =
    raw.length === 1 && /\s/.test(type) ? ' (the line has no TAB at all: is the file tab-separated?)' : '';
  const message = `unknown record type ${q(type)}${hint}; known record types are ${knownRecordTypes().join(', ')}, written with or without a version such as SU02.02`;
  if (/^SY\d\d/i.test(type)) s.summaryRecordCount++;
  s.rememberDead(null, null, {
    lineNumber: line.lineNumber,
    errorClass: 'UNKNOWN_RECORD_TYPE',
    message,
    recordType: type,
  });
  return s.dead(line, type, {
    stage: 'parse',
    errorClass: 'UNKNOWN_RECORD_TYPE',
    message,
    cell: 'RecordType',
  });
}
