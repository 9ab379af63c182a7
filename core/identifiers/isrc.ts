import { isDigitCode, isUpperCode } from '../values/index.ts';
import { compact, quote, type IdentifierResult } from './result.ts';

/**
 * Normalises an ISRC (ISO 3901): upper case, hyphens and spaces removed, then checked against
 * the structure 2 letters (country) + 3 letters or digits (registrant) + 2 digits (year) +
 * 5 digits (designation). `gb-aht-09-00445` and `GBAHT0900445` both give `GBAHT0900445`.
 * There is no check digit in an ISRC, so a well-formed code is all that can be verified.
 */
export function normaliseIsrc(input: string): IdentifierResult {
  if (isCanonicalIsrc(input)) return { ok: true, value: input };
  const value = compact(input, false);
  if (value.length === 0) return { ok: false, reason: 'empty ISRC' };
  if (value.length !== 12) {
    return {
      ok: false,
      reason: `ISRC ${quote(input)} has ${value.length} characters without hyphens and spaces; expected 12 (2 letters, 3 letters or digits, 7 digits, e.g. GBAHT0900445)`,
    };
  }
  for (let i = 0; i < 12; i++) {
    const c = value.charCodeAt(i);
    const ok = i < 2 ? isUpperCode(c) : i < 5 ? isUpperCode(c) || isDigitCode(c) : isDigitCode(c);
    if (!ok) {
      const part =
        i < 2
          ? 'characters 1-2 (country code) must be letters'
          : i < 5
            ? 'characters 3-5 (registrant code) must be letters or digits'
            : 'characters 6-12 (year and designation) must be digits';
      return {
        ok: false,
        reason: `ISRC ${quote(input)}: ${part}, found ${quote(value[i] as string)} at position ${i + 1}`,
      };
    }
  }
  return { ok: true, value };
}

/** Fast check for an ISRC that is already in canonical form. */
export function isCanonicalIsrc(value: string): boolean {
  if (value.length !== 12) return false;
  for (let i = 0; i < 12; i++) {
    const c = value.charCodeAt(i);
    if (i < 2 ? !isUpperCode(c) : i < 5 ? !(isUpperCode(c) || isDigitCode(c)) : !isDigitCode(c)) return false;
  }
  return true;
}
