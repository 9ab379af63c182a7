/**
 * Parsing of typed DSR cell values. Checks are character loops rather than regular
 * expressions where they run on every usage line.
 */

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** An optionally signed run of digits. */
export function isInteger(s: string): boolean {
  const n = s.length;
  let i = 0;
  if (n === 0) return false;
  const c0 = s.charCodeAt(0);
  if (c0 === 45 || c0 === 43) i = 1;
  if (i === n) return false;
  for (; i < n; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

/** An optionally signed decimal with a '.' separator: 12, -3.50, 0.5 (not .5, 5., 1e3 or 1,5). */
export function isDecimal(s: string): boolean {
  const n = s.length;
  let i = 0;
  if (n === 0) return false;
  const c0 = s.charCodeAt(0);
  if (c0 === 45 || c0 === 43) i = 1;
  const intStart = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  if (i === intStart) return false;
  if (i === n) return true;
  if (s.charCodeAt(i) !== 46) return false;
  i++;
  const fracStart = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  return i === n && i > fracStart;
}

/**
 * A number of usages: an integer, or a decimal (UGC profiles allow fractions). Returns the
 * value rounded to a whole number, or NaN when the text is not a number or too large.
 */
export function parseCount(s: string): number {
  if (isInteger(s)) {
    const v = Number(s);
    return Number.isSafeInteger(v) ? v : NaN;
  }
  if (isDecimal(s)) {
    const v = Math.round(Number(s));
    return Number.isSafeInteger(v) ? v : NaN;
  }
  return NaN;
}

/** True when a decimal count has a non-zero fractional part (so rounding lost something). */
export function hasFraction(s: string): boolean {
  const dot = s.indexOf('.');
  if (dot === -1) return false;
  for (let i = dot + 1; i < s.length; i++) if (s.charCodeAt(i) !== 48) return true;
  return false;
}

/** xs:boolean plus the spellings seen in files; null when not a boolean. */
export function parseBool(s: string): boolean | null {
  switch (s) {
    case 'TRUE':
    case 'true':
    case 'True':
    case '1':
      return true;
    case 'FALSE':
    case 'false':
    case 'False':
    case '0':
      return false;
  }
  const l = s.toLowerCase();
  if (l === 'true' || l === 'yes' || l === 'y') return true;
  if (l === 'false' || l === 'no' || l === 'n') return false;
  return null;
}

function daysInMonth(y: number, m: number): number {
  return m === 2
    ? (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
      ? 29
      : 28
    : [4, 6, 9, 11].includes(m)
      ? 30
      : 31;
}

function validYmd(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/**
 * A date as ISO text: YYYY-MM-DD and YYYYMMDD give YYYY-MM-DD; the partial forms YYYY-MM and
 * YYYY (allowed for HEAD usage dates) are returned as they are; a date-time gives its date.
 * Null when the text is not a real date.
 */
export function parseIsoDate(s: string): string | null {
  const t = s.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:T[0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(t);
  if (m) return validYmd(Number(m[1]), Number(m[2]), Number(m[3])) ? `${m[1]}-${m[2]}-${m[3]}` : null;
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (m) return validYmd(Number(m[1]), Number(m[2]), Number(m[3])) ? `${m[1]}-${m[2]}-${m[3]}` : null;
  m = /^(\d{4})-(\d{2})$/.exec(t);
  if (m) return Number(m[2]) >= 1 && Number(m[2]) <= 12 ? t : null;
  if (/^\d{4}$/.test(t)) return t;
  return null;
}

/** An ISO 8601 date-time such as 2020-07-03T07:59:30Z; null when not one. */
export function parseDateTime(s: string): string | null {
  const t = s.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (!m) return null;
  if (!validYmd(Number(m[1]), Number(m[2]), Number(m[3]))) return null;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 60) return null;
  return t;
}

const ISO_DURATION =
  /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
const CLOCK = /^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$/;

/**
 * Seconds (rounded) of a duration: ISO 8601 (PT2M44S, PT199S, PT0H0M0S, PT1M30.5S, P0DT1H)
 * or, as seen in real files, a clock form (3:20, 01:03:20). Null when neither.
 */
export function parseDurationSeconds(s: string): number | null {
  const t = s.trim();
  const m = ISO_DURATION.exec(t);
  if (m) {
    const [, d, h, mi, sec] = m;
    if (d === undefined && h === undefined && mi === undefined && sec === undefined) return null;
    if (/T$/i.test(t)) return null;
    const total = Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(mi ?? 0) * 60 + Number(sec ?? 0);
    return Number.isFinite(total) ? Math.round(total) : null;
  }
  const c = CLOCK.exec(t);
  if (c) {
    if (Number(c[2]) > 59 && c[1] !== undefined) return null;
    return Math.round(Number(c[1] ?? 0) * 3600 + Number(c[2]) * 60 + Number(c[3]));
  }
  return null;
}

/** Quotes a value for a message, shortened to 60 characters. */
export function q(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}
