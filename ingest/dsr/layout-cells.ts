import type { RecordLayout } from './record-types.ts';

// Reading a line's cells by name through its layout; a cell the line lacks reads as empty.

export function pos(layout: RecordLayout, name: string): number {
  return layout.index.get(name) ?? -1;
}

export function cell(vals: string[], i: number): string {
  return i >= 0 && i < vals.length ? (vals[i] as string) : '';
}

export function key(vals: string[], i: number): string {
  return i >= 0 && i < vals.length ? (vals[i] as string).trim() : '';
}

export function orNull(s: string): string | null {
  return s === '' ? null : s;
}

/** Up to `max` values, comma-separated, and how many more there are: for messages. */
export function listFirst(values: Iterable<string>, max = 5): string {
  const out: string[] = [];
  let more = 0;
  for (const v of values) {
    if (out.length < max) out.push(v);
    else more++;
  }
  return out.join(', ') + (more > 0 ? ` and ${more} more` : '');
}
