/**
 * Typed CSV cell values. Character loops rather than regular expressions where they run on
 * every row.
 */

import type { CsvDateFormat } from './mapping.ts';

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A play count: digits only (after trimming), a safe integer; NaN otherwise. */
export function parsePlays(s: string): number {
  const n = s.length;
  if (n === 0 || n > 15) return NaN;
  for (let i = 0; i < n; i++) if (!isDigit(s.charCodeAt(i))) return NaN;
  return Number(s);
}

/** Why a play count was rejected, for the dead letter. */
export function playsProblem(s: string): string {
  if (/^-\s*\d+$/.test(s)) return 'a play count cannot be negative';
  if (/^\d{1,3}([,.' ]\d{3})+$/.test(s)) return 'write it without thousands separators';
  if (/^\d+[.,]\d+$/.test(s)) return 'a play count is a whole number, without decimals';
  if (/^\d{16,}$/.test(s)) return 'it is too large';
  return 'expected a whole number of plays of 0 or more, digits only (e.g. 1234)';
}

/**
 * A decimal amount with the given decimal separator, optionally signed: `12`, `-3.50`,
 * `0,4473` (with ','). Returns it with '.' as separator, or null when it is not one.
 */
export function parseDecimal(s: string, separator: '.' | ','): string | null {
  const n = s.length;
  let i = 0;
  if (n === 0) return null;
  const c0 = s.charCodeAt(0);
  if (c0 === 45 || c0 === 43) i = 1;
  const intStart = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  if (i === intStart) return null;
  if (i === n) return c0 === 43 ? s.slice(1) : s;
  if (s[i] !== separator) return null;
  const sepAt = i;
  i++;
  const fracStart = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  if (i !== n || i === fracStart) return null;
  const body = separator === '.' ? s : `${s.slice(0, sepAt)}.${s.slice(sepAt + 1)}`;
  return c0 === 43 ? body.slice(1) : body;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const DATE_PATTERNS: Record<CsvDateFormat, { re: RegExp; y: number; m: number; d: number }> = {
  'YYYY-MM-DD': { re: /^(\d{4})-(\d{1,2})-(\d{1,2})$/, y: 1, m: 2, d: 3 },
  YYYYMMDD: { re: /^(\d{4})(\d{2})(\d{2})$/, y: 1, m: 2, d: 3 },
  'YYYY/MM/DD': { re: /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/, y: 1, m: 2, d: 3 },
  'DD/MM/YYYY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, y: 3, m: 2, d: 1 },
  'MM/DD/YYYY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, y: 3, m: 1, d: 2 },
  'DD.MM.YYYY': { re: /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, y: 3, m: 2, d: 1 },
  'DD-MM-YYYY': { re: /^(\d{1,2})-(\d{1,2})-(\d{4})$/, y: 3, m: 2, d: 1 },
};

/** A date in the given layout as YYYY-MM-DD; null when it is not a real date in that layout. */
export function parseDate(s: string, format: CsvDateFormat): string | null {
  const p = DATE_PATTERNS[format];
  const m = p.re.exec(s);
  if (!m) return null;
  const y = Number(m[p.y]);
  const mo = Number(m[p.m]);
  const d = Number(m[p.d]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return `${m[p.y]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const ISO_DURATION = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/i;
const CLOCK = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/;

/** Seconds of a duration: `225`, `3:45`, `1:03:45`, `PT3M45S`; null when none of these. */
export function parseDuration(s: string): number | null {
  if (/^\d{1,9}$/.test(s)) return Number(s);
  const c = CLOCK.exec(s);
  if (c) {
    const mi = Number(c[2]);
    const sec = Number(c[3]);
    if (sec > 59 || (c[1] !== undefined && mi > 59)) return null;
    return Number(c[1] ?? 0) * 3600 + mi * 60 + sec;
  }
  const m = ISO_DURATION.exec(s);
  if (m && (m[1] !== undefined || m[2] !== undefined || m[3] !== undefined)) {
    return Math.round(Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0));
  }
  return null;
}

/** Quotes a value for a message, shortened to 60 characters. */
export function q(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

/** How a delimiter is named in messages. */
export function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : JSON.stringify(d);
}
