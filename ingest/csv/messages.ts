// Wording of CSV dead letters that several checks share. The value scanners are core/values.

/** Why a play count was rejected, for the dead letter. */
export function playsProblem(s: string): string {
  if (/^-\s*\d+$/.test(s)) return 'a play count cannot be negative';
  if (/^\d{1,3}([,.' ]\d{3})+$/.test(s)) return 'write it without thousands separators';
  if (/^\d+[.,]\d+$/.test(s)) return 'a play count is a whole number, without decimals';
  if (/^\d{16,}$/.test(s)) return 'it is too large';
  return 'expected a whole number of plays of 0 or more, digits only (e.g. 1234)';
}

/** How a delimiter is named in messages. */
export function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : JSON.stringify(d);
}

/** The first `n` items, comma-separated, and how many there are when there are more. */
export function listFirst(items: string[], n = 10): string {
  return items.length <= n ? items.join(', ') : `${items.slice(0, n).join(', ')} … (${items.length} in all)`;
}
