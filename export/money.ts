// Exact money: decimal text in, integer minor units (BigInt) out, never a float. The
// rounding rule is round half away from zero, applied once per line on a cumulative
// quantity so that a summary record's lines add up to exactly its net revenue (see
// docs/export.md).

import { ExportError } from './errors.ts';
import { scanLooseDecimal } from '../core/values/index.ts';

/** Minor-unit digits of ISO 4217 currencies that do not use 2. */
const MINOR_DIGITS: Record<string, number> = {
  BHD: 3,
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  IQD: 3,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  PYG: 0,
  RWF: 0,
  TND: 3,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
};

export function minorDigits(currency: string | null): number {
  return currency ? (MINOR_DIGITS[currency.toUpperCase()] ?? 2) : 2;
}

/** round(n / d), half away from zero; d > 0. */
export function roundDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (2n * (r < 0n ? -r : r) >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

/** Decimal text ("13.19", "-0.5", "1,25") as an exact fraction units / 10^scale. */
export function parseDecimal(text: string): { units: bigint; scale: number } {
  const d = scanLooseDecimal(text.trim());
  if (!d) throw new ExportError('BAD_DECIMAL', `not a decimal amount: ${JSON.stringify(text)}`);
  const units = BigInt(`${d.whole || '0'}${d.fraction}`);
  return { units: d.negative ? -units : units, scale: d.fraction.length };
}

/** Decimal text rounded to the currency's minor units. */
export function toMinor(text: string, currency: string | null): bigint {
  return scaleTo(parseDecimal(text), minorDigits(currency));
}

/** units/10^scale × factor, rounded to `digits` decimals, as an integer. */
export function scaleTo(d: { units: bigint; scale: number }, digits: number, factor = 1n): bigint {
  const n = d.units * factor;
  if (d.scale <= digits) return n * 10n ** BigInt(digits - d.scale);
  return roundDiv(n, 10n ** BigInt(d.scale - digits));
}

/** Minor units as decimal text with the currency's digits: 1319n, GBP → "13.19". */
export function formatMinor(amount: bigint, currency: string | null): string {
  const digits = minorDigits(currency);
  const sign = amount < 0n ? '-' : '';
  const abs = (amount < 0n ? -amount : amount).toString().padStart(digits + 1, '0');
  return digits === 0 ? `${sign}${abs}` : `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

/**
 * The share of `total` that falls on the usages up to and including a line, rounded:
 * round(total · cumulative / usages). A line's value is this minus the same for the line
 * before it in file order, so the values of a summary's lines telescope to exactly `total`.
 */
export function cumulativeAmount(total: bigint, cumulative: bigint, usages: bigint): bigint {
  if (usages <= 0n) return 0n;
  return roundDiv(total * cumulative, usages);
}

export interface SharesSplit {
  /** one per weight, in the weights' order */
  parts: bigint[];
  unallocated: bigint;
}

/**
 * Splits `amount` over weights in basis points (10000 = 100 %) by largest remainder: each
 * part is floor(amount · bp / 10000), and the minor units left over go one by one to the
 * largest remainders (ties: the earlier weight). Parts whose weights add up to less than
 * 10000 leave the rest in `unallocated`; weights above 10000 in all are scaled down to it.
 */
export function splitByShares(amount: bigint, basisPoints: readonly number[]): SharesSplit {
  const sum = basisPoints.reduce((a, b) => a + Math.max(0, b), 0);
  const denominator = BigInt(Math.max(sum, 10000));
  const sign = amount < 0n ? -1n : 1n;
  const abs = amount * sign;
  const exact = basisPoints.map((bp) => abs * BigInt(Math.max(0, bp)));
  const parts = exact.map((e) => e / denominator);
  const allocatedExactly = (abs * BigInt(sum)) / denominator;
  let left = allocatedExactly - parts.reduce((a, b) => a + b, 0n);
  const order = exact
    .map((e, i) => ({ i, r: e % denominator }))
    .sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of order) {
    if (left <= 0n) break;
    parts[i]! += 1n;
    left -= 1n;
  }
  const allocated = parts.reduce((a, b) => a + b, 0n);
  return { parts: parts.map((p) => p * sign), unallocated: (abs - allocated) * sign };
}
