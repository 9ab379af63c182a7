import { quoteValue } from '../values/index.ts';

/** Outcome of normalising an identifier: the canonical form, or why the input is not one. */
export type IdentifierResult = { ok: true; value: string } | { ok: false; reason: string };

/** Shortens a value for an error message: quoted, at most 40 characters shown. */
export function quote(value: string): string {
  return quoteValue(value, 40);
}

/** Removes hyphens, dots and whitespace and upper-cases; leaves other characters for the caller to reject. */
export function compact(value: string, dropDots: boolean): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    const c = value.charCodeAt(i);
    // hyphen-minus, non-breaking hyphen, en dash, whitespace, NBSP
    if (c === 45 || c === 0x2010 || c === 0x2011 || c === 0x2013 || c === 32 || c === 9 || c === 0xa0)
      continue;
    if (dropDots && c === 46) continue;
    out += ch;
  }
  return out.toUpperCase();
}
