import { isDigitCode } from '../values/index.ts';
import { compact, quote, type IdentifierResult } from './result.ts';

/**
 * Check digit of an ISWC (ISO 15707) from its nine work-identifier digits:
 * S = 1 + sum(i * d_i) for i = 1..9, C = (10 - S mod 10) mod 10.
 * The leading 1 is the weight of the prefix letter T.
 * Example: T-034.524.680-? gives S = 179, check digit 1.
 */
export function iswcCheckDigit(nineDigits: string): number {
  if (nineDigits.length !== 9) throw new RangeError(`expected 9 digits, got ${quote(nineDigits)}`);
  let sum = 1;
  for (let i = 0; i < 9; i++) {
    const c = nineDigits.charCodeAt(i);
    if (!isDigitCode(c)) throw new RangeError(`expected 9 digits, got ${quote(nineDigits)}`);
    sum += (i + 1) * (c - 48);
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Normalises an ISWC to `T` + 10 digits, accepting the display form `T-123.456.789-4`, the
 * compact form `T1234567894`, lower case, and spaces. The check digit is verified.
 */
export function normaliseIswc(input: string): IdentifierResult {
  const value = compact(input, true);
  if (value.length === 0) return { ok: false, reason: 'empty ISWC' };
  if (value.charCodeAt(0) !== 84 /* T */) {
    return { ok: false, reason: `ISWC ${quote(input)} must start with the letter T (e.g. T-034.524.680-1)` };
  }
  if (value.length !== 11) {
    return {
      ok: false,
      reason: `ISWC ${quote(input)} has ${value.length - 1} digits after the T; expected 10 (9 digits and a check digit, e.g. T-034.524.680-1)`,
    };
  }
  for (let i = 1; i < 11; i++) {
    if (!isDigitCode(value.charCodeAt(i))) {
      return {
        ok: false,
        reason: `ISWC ${quote(input)}: expected digits after the T, found ${quote(value[i] as string)}`,
      };
    }
  }
  const expected = iswcCheckDigit(value.slice(1, 10));
  const actual = value.charCodeAt(10) - 48;
  if (expected !== actual) {
    return {
      ok: false,
      reason: `ISWC ${quote(input)} has check digit ${actual}, but the check digit computed from ${value.slice(1, 10)} is ${expected}`,
    };
  }
  return { ok: true, value };
}

/** Display form `T-123.456.789-4` of a normalised ISWC (`T1234567894`). */
export function formatIswc(normalised: string): string {
  return `T-${normalised.slice(1, 4)}.${normalised.slice(4, 7)}.${normalised.slice(7, 10)}-${normalised.slice(10)}`;
}
