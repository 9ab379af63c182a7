export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** True when year, month (1-12) and day are a day of the Gregorian calendar. */
export function isRealDate(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Layouts of a day's date that senders write; parseDateIn reads each into YYYY-MM-DD. */
export const DATE_LAYOUTS = [
  'YYYY-MM-DD',
  'YYYYMMDD',
  'YYYY/MM/DD',
  'DD/MM/YYYY',
  'MM/DD/YYYY',
  'DD.MM.YYYY',
  'DD-MM-YYYY',
] as const;
export type DateLayout = (typeof DATE_LAYOUTS)[number];

/** For each layout: its pattern and the groups holding year, month and day. */
const LAYOUT_PATTERNS: Record<DateLayout, { re: RegExp; y: number; m: number; d: number }> = {
  'YYYY-MM-DD': { re: /^(\d{4})-(\d{1,2})-(\d{1,2})$/, y: 1, m: 2, d: 3 },
  YYYYMMDD: { re: /^(\d{4})(\d{2})(\d{2})$/, y: 1, m: 2, d: 3 },
  'YYYY/MM/DD': { re: /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/, y: 1, m: 2, d: 3 },
  'DD/MM/YYYY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, y: 3, m: 2, d: 1 },
  'MM/DD/YYYY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, y: 3, m: 1, d: 2 },
  'DD.MM.YYYY': { re: /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, y: 3, m: 2, d: 1 },
  'DD-MM-YYYY': { re: /^(\d{1,2})-(\d{1,2})-(\d{4})$/, y: 3, m: 2, d: 1 },
};

/** A date in the given layout as YYYY-MM-DD; null when it is not a real date in that layout. */
export function parseDateIn(s: string, layout: DateLayout): string | null {
  const p = LAYOUT_PATTERNS[layout];
  const m = p.re.exec(s);
  if (!m) return null;
  const y = Number(m[p.y]);
  const mo = Number(m[p.m]);
  const d = Number(m[p.d]);
  if (!isRealDate(y, mo, d)) return null;
  return `${m[p.y]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * An ISO 8601 date as text: YYYY-MM-DD and YYYYMMDD give YYYY-MM-DD; the partial forms YYYY-MM
 * and YYYY are returned as they are; a date-time gives its date. Null when not a real date.
 */
export function parseIsoDate(s: string): string | null {
  const t = s.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:T[0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(t);
  if (m) return isRealDate(Number(m[1]), Number(m[2]), Number(m[3])) ? `${m[1]}-${m[2]}-${m[3]}` : null;
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (m) return isRealDate(Number(m[1]), Number(m[2]), Number(m[3])) ? `${m[1]}-${m[2]}-${m[3]}` : null;
  m = /^(\d{4})-(\d{2})$/.exec(t);
  if (m) return Number(m[2]) >= 1 && Number(m[2]) <= 12 ? t : null;
  if (/^\d{4}$/.test(t)) return t;
  return null;
}

/** An ISO 8601 date-time such as 2020-07-03T07:59:30Z (trimmed); null when not one. */
export function parseDateTime(s: string): string | null {
  const t = s.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (!m) return null;
  if (!isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) return null;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 60) return null;
  return t;
}
