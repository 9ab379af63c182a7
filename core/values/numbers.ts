// Character loops rather than regular expressions: these run on every line of a report.
import { isDigitCode, isDigits } from './chars.ts';

const MINUS = 45;
const PLUS = 43;

/** An optionally signed run of digits: `12`, `-3`, `+7`. */
export function isInteger(s: string): boolean {
  const n = s.length;
  let i = 0;
  if (n === 0) return false;
  const c0 = s.charCodeAt(0);
  if (c0 === MINUS || c0 === PLUS) i = 1;
  if (i === n) return false;
  for (; i < n; i++) if (!isDigitCode(s.charCodeAt(i))) return false;
  return true;
}

/**
 * An unsigned whole number written with digits only, at most 15 of them (so that it is a
 * safe integer): its value, or NaN.
 */
export function parseDigits(s: string): number {
  return s.length <= 15 && isDigits(s) ? Number(s) : NaN;
}

/**
 * Scans an optionally signed decimal with the given separator (`12`, `-3.50`, `0,4473` with
 * ','; not `.5`, `5.`, `1e3` or thousands separators). Returns the separator's index, the
 * text's length when it has no decimal part, or -1 when it is not such a decimal.
 */
export function scanDecimal(s: string, separator: '.' | ','): number {
  const n = s.length;
  let i = 0;
  if (n === 0) return -1;
  const c0 = s.charCodeAt(0);
  if (c0 === MINUS || c0 === PLUS) i = 1;
  const intStart = i;
  while (i < n && isDigitCode(s.charCodeAt(i))) i++;
  if (i === intStart) return -1;
  if (i === n) return n;
  if (s[i] !== separator) return -1;
  const sepAt = i;
  i++;
  const fracStart = i;
  while (i < n && isDigitCode(s.charCodeAt(i))) i++;
  return i === n && i > fracStart ? sepAt : -1;
}

/** A decimal as scanDecimal reads it, with '.' as separator unless told otherwise. */
export function isDecimal(s: string, separator: '.' | ',' = '.'): boolean {
  return scanDecimal(s, separator) !== -1;
}

/**
 * A decimal as scanDecimal reads it, returned with '.' as separator and without a leading
 * '+'; null when it is not one.
 */
export function parseDecimal(s: string, separator: '.' | ','): string | null {
  const sepAt = scanDecimal(s, separator);
  if (sepAt === -1) return null;
  const body = separator === '.' || sepAt === s.length ? s : `${s.slice(0, sepAt)}.${s.slice(sepAt + 1)}`;
  return s.charCodeAt(0) === PLUS ? body.slice(1) : body;
}

/**
 * A number of usages: an integer, or a decimal with '.' (DDEX UGC profiles allow fractions).
 * Returns the value rounded to a whole number, or NaN when the text is not a number or too large.
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

/** True when a decimal with '.' has a non-zero fractional part (so rounding it loses something). */
export function hasFraction(s: string): boolean {
  const dot = s.indexOf('.');
  if (dot === -1) return false;
  for (let i = dot + 1; i < s.length; i++) if (s.charCodeAt(i) !== 48) return true;
  return false;
}

/**
 * A decimal as people write amounts by hand (a legacy system's CSV): an optional sign, digits
 * on either side of a '.' or ',' with at least one digit in all (`.5`, `5.`, `1,25`). Returns
 * the sign, whole and fraction digits, or null.
 */
export function scanLooseDecimal(s: string): { negative: boolean; whole: string; fraction: string } | null {
  const n = s.length;
  let i = 0;
  const c0 = s.charCodeAt(0);
  if (c0 === MINUS || c0 === PLUS) i = 1;
  const wholeStart = i;
  while (i < n && isDigitCode(s.charCodeAt(i))) i++;
  const whole = s.slice(wholeStart, i);
  let fraction = '';
  if (i < n) {
    if (s[i] !== '.' && s[i] !== ',') return null;
    const fracStart = ++i;
    while (i < n && isDigitCode(s.charCodeAt(i))) i++;
    if (i < n) return null;
    fraction = s.slice(fracStart);
  }
  if (whole === '' && fraction === '') return null;
  return { negative: c0 === MINUS, whole, fraction };
}
