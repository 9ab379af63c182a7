/**
 * DSR file names (Part 1, clause 8.1):
 *
 *   DSR_<Recipient>_<Sender>_<ServiceDescription>_<Period>_<Territory>_<x>of<y>_<CreatedDateTime>.tsv[.gz]
 *
 * An omitted element leaves two underscores side by side; `xofy` may be left out for a
 * one-file report. Periods: yyyy, yyyy-mm, yyyy-mm-dd, yyyy-Qq, yyyy-Www (ISO week) and
 * yyyy-mm-dd--yyyy-mm-dd. The creation time is yyyymmddThhmmss, optionally with milliseconds.
 *
 * parseDsrFileName fails only when the name has not the DSR structure at all (prefix, number
 * of elements, extension); a malformed element (say an impossible period) is reported in
 * `warnings` and left null, so the caller decides how strict to be.
 */

import type { DsrHead } from './types.ts';

export type PeriodKind = 'year' | 'month' | 'day' | 'quarter' | 'week' | 'range';

export interface DsrPeriod {
  /** as written in the file name */
  text: string;
  kind: PeriodKind;
  /** first day, YYYY-MM-DD */
  start: string;
  /** last day, YYYY-MM-DD */
  end: string;
}

export interface DsrFileName {
  fileName: string;
  recipient: string | null;
  sender: string | null;
  serviceDescription: string | null;
  period: DsrPeriod | null;
  territory: string | null;
  /** x of xofy, null when the element is absent */
  fileNumber: number | null;
  /** y of xofy, null when the element is absent */
  numberOfFiles: number | null;
  /** creation time as written */
  createdDateTime: string | null;
  /** creation time as ISO 8601 without zone (the spec says sender local time) */
  created: string | null;
  compressed: boolean;
  warnings: string[];
}

export type FileNameResult = { ok: true; value: DsrFileName } | { ok: false; reason: string };

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isoDay(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Validates YYYY-MM-DD and returns it, or null. */
function validDay(text: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return text;
}

/** Parses the period element of a DSR file name. */
export function parsePeriod(text: string): DsrPeriod | null {
  let m = /^(\d{4})$/.exec(text);
  if (m) return { text, kind: 'year', start: `${m[1]}-01-01`, end: `${m[1]}-12-31` };
  m = /^(\d{4})-(\d{2})$/.exec(text);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    if (mo < 1 || mo > 12) return null;
    return {
      text,
      kind: 'month',
      start: `${m[1]}-${m[2]}-01`,
      end: `${m[1]}-${m[2]}-${pad(daysInMonth(y, mo))}`,
    };
  }
  m = /^(\d{4})-[Qq]([1-4])$/.exec(text);
  if (m) {
    const y = Number(m[1]);
    const q = Number(m[2]);
    const first = (q - 1) * 3 + 1;
    const last = q * 3;
    return {
      text,
      kind: 'quarter',
      start: `${m[1]}-${pad(first)}-01`,
      end: `${m[1]}-${pad(last)}-${pad(daysInMonth(y, last))}`,
    };
  }
  m = /^(\d{4})-[Ww](\d{2})$/.exec(text);
  if (m) {
    const y = Number(m[1]);
    const w = Number(m[2]);
    // ISO week 1 is the week containing 4 January; weeks start on Monday.
    const jan4 = new Date(Date.UTC(y, 0, 4));
    const mondayOfWeek1 = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86400000);
    const start = new Date(mondayOfWeek1.getTime() + (w - 1) * 7 * 86400000);
    const weeksInYear = isoWeeksInYear(y);
    if (w < 1 || w > weeksInYear) return null;
    return {
      text,
      kind: 'week',
      start: isoDay(start),
      end: isoDay(new Date(start.getTime() + 6 * 86400000)),
    };
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const day = validDay(text);
    return day ? { text, kind: 'day', start: day, end: day } : null;
  }
  m = /^(\d{4}-\d{2}-\d{2})--(\d{4}-\d{2}-\d{2})$/.exec(text);
  if (m) {
    const start = validDay(m[1] as string);
    const end = validDay(m[2] as string);
    if (!start || !end || end < start) return null;
    return { text, kind: 'range', start, end };
  }
  return null;
}

function isoWeeksInYear(y: number): number {
  // a year has 53 ISO weeks when 1 January is a Thursday, or a Wednesday in a leap year
  const jan1 = new Date(Date.UTC(y, 0, 1)).getUTCDay();
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return jan1 === 4 || (leap && jan1 === 3) ? 53 : 52;
}

function parseCreated(text: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.?(\d{1,3}))?$/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms] = m as unknown as string[];
  if (!validDay(`${y}-${mo}-${d}`) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return null;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${ms ? `.${ms.padEnd(3, '0')}` : ''}`;
}

const XOFY = /^(\d+)of(\d+)$/i;

/** Parses a DSR file name (a bare name or a path). */
export function parseDsrFileName(nameOrPath: string): FileNameResult {
  const fileName = nameOrPath.split(/[\\/]/).pop() ?? nameOrPath;
  const ext = /\.tsv(\.gz)?$/i.exec(fileName);
  if (!ext) {
    return { ok: false, reason: `file name ${JSON.stringify(fileName)} does not end in .tsv or .tsv.gz` };
  }
  const stem = fileName.slice(0, ext.index);
  const parts = stem.split('_');
  if ((parts[0] ?? '').toUpperCase() !== 'DSR') {
    return { ok: false, reason: `file name ${JSON.stringify(fileName)} does not start with DSR_` };
  }
  if (parts.length !== 8 && parts.length !== 7) {
    return {
      ok: false,
      reason: `file name ${JSON.stringify(fileName)} has ${parts.length} underscore-separated elements; expected 8 (DSR_Recipient_Sender_Service_Period_Territory_xofy_Created) or 7 without xofy`,
    };
  }
  const warnings: string[] = [];
  const [, recipient, sender, service, periodText] = parts as [string, string, string, string, string];
  let territory = parts[5] as string;
  let xofy = parts.length === 8 ? (parts[6] as string) : '';
  const created = parts[parts.length - 1] as string;
  if (parts.length === 7 && XOFY.test(territory)) {
    // DSR_R_S_Svc_2020-06_1of1_… : the territory element is missing altogether (not left empty)
    warnings.push(
      `the territory element is missing (expected an empty element "__" when omitted); "${territory}" read as x of y`,
    );
    xofy = territory;
    territory = '';
  }

  let period: DsrPeriod | null = null;
  if (periodText === '') warnings.push('the period element is empty');
  else {
    period = parsePeriod(periodText);
    if (!period) {
      warnings.push(
        `period "${periodText}" is not one of yyyy, yyyy-mm, yyyy-mm-dd, yyyy-Qq, yyyy-Www or yyyy-mm-dd--yyyy-mm-dd (or is not a real date)`,
      );
    }
  }

  let fileNumber: number | null = null;
  let numberOfFiles: number | null = null;
  if (xofy !== '') {
    const m = XOFY.exec(xofy);
    if (!m) warnings.push(`file counter "${xofy}" is not of the form <x>of<y>`);
    else {
      fileNumber = Number(m[1]);
      numberOfFiles = Number(m[2]);
      if (fileNumber < 1 || fileNumber > numberOfFiles)
        warnings.push(`file counter "${xofy}": x must be between 1 and y`);
    }
  }

  let createdIso: string | null = null;
  if (created === '') warnings.push('the creation date-time element is empty');
  else {
    createdIso = parseCreated(created);
    if (!createdIso) warnings.push(`creation date-time "${created}" is not of the form yyyymmddThhmmss`);
  }

  return {
    ok: true,
    value: {
      fileName,
      recipient: recipient === '' ? null : recipient,
      sender: sender === '' ? null : sender,
      serviceDescription: service === '' ? null : service,
      period,
      territory: territory === '' ? null : territory,
      fileNumber,
      numberOfFiles,
      createdDateTime: created === '' ? null : created,
      created: createdIso,
      compressed: ext[1] !== undefined,
      warnings,
    },
  };
}

/** File name elements cannot contain spaces or underscores: compare without them, ignoring case. */
function same(a: string, b: string): boolean {
  const norm = (s: string): string => s.replace(/[\s_]/g, '').toLowerCase();
  return norm(a) === norm(b);
}

/** First and last day of a HEAD date (YYYY, YYYY-MM or YYYY-MM-DD; YYYYMMDD also read). */
function headRange(start: string | null, end: string | null): { start: string; end: string } | null {
  const norm = (d: string, last: boolean): string | null => {
    const t = /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}` : d;
    const p = parsePeriod(t.slice(0, 10));
    if (!p) return null;
    return last ? p.end : p.start;
  };
  if (!start || !end) return null;
  const s = norm(start, false);
  const e = norm(end, true);
  return s && e ? { start: s, end: e } : null;
}

export type HeadForFileName = Pick<
  DsrHead,
  | 'senderPartyId'
  | 'senderName'
  | 'recipientPartyId'
  | 'recipientName'
  | 'representedRepertoire'
  | 'serviceDescription'
  | 'usageStartDate'
  | 'usageEndDate'
  | 'fileNumber'
  | 'numberOfFiles'
>;

/**
 * Differences between what the file name and the HEAD record say. Each warning names the
 * element, the file-name value and the HEAD cells it was compared with.
 */
export function compareWithHead(fileName: DsrFileName, head: HeadForFileName): string[] {
  const warnings: string[] = [];
  if (fileName.sender !== null) {
    const candidates = [head.senderPartyId, head.senderName].filter((v): v is string => !!v);
    if (candidates.length > 0 && !candidates.some((c) => same(c, fileName.sender as string))) {
      warnings.push(
        `sender: the file name says "${fileName.sender}", the HEAD has SenderPartyId "${head.senderPartyId ?? ''}" and SenderName "${head.senderName ?? ''}"`,
      );
    }
  }
  if (fileName.recipient !== null) {
    const candidates = [head.recipientPartyId, head.recipientName, ...head.representedRepertoire].filter(
      (v): v is string => !!v,
    );
    if (candidates.length > 0 && !candidates.some((c) => same(c, fileName.recipient as string))) {
      warnings.push(
        `recipient: the file name says "${fileName.recipient}", the HEAD has RecipientPartyId "${head.recipientPartyId ?? ''}" and RecipientName "${head.recipientName ?? ''}"`,
      );
    }
  }
  if (fileName.serviceDescription !== null && head.serviceDescription) {
    if (!same(fileName.serviceDescription, head.serviceDescription)) {
      warnings.push(
        `service description: the file name says "${fileName.serviceDescription}", the HEAD says "${head.serviceDescription}"`,
      );
    }
  }
  if (fileName.period) {
    const range = headRange(head.usageStartDate, head.usageEndDate);
    if (!range) {
      warnings.push(
        `period: the file name says ${fileName.period.text}, the HEAD usage period "${head.usageStartDate ?? ''}".."${head.usageEndDate ?? ''}" could not be read`,
      );
    } else if (range.start !== fileName.period.start || range.end !== fileName.period.end) {
      warnings.push(
        `period: the file name says ${fileName.period.text} (${fileName.period.start} to ${fileName.period.end}), the HEAD says ${range.start} to ${range.end}`,
      );
    }
  }
  if (fileName.fileNumber !== null) {
    if (head.fileNumber !== fileName.fileNumber || head.numberOfFiles !== fileName.numberOfFiles) {
      warnings.push(
        `file number: the file name says ${fileName.fileNumber}of${fileName.numberOfFiles}, the HEAD says FileNumber ${head.fileNumber ?? '?'} of NumberOfFiles ${head.numberOfFiles ?? '?'}`,
      );
    }
  } else if (head.numberOfFiles !== null && head.numberOfFiles > 1) {
    warnings.push(
      `file number: the file name has no xofy element, but the HEAD says the report has ${head.numberOfFiles} files (this is file ${head.fileNumber ?? '?'})`,
    );
  }
  return warnings;
}
