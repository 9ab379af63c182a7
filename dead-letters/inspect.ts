import type { DeadLetterItem } from './work-list.ts';
import { resolveRecord, splitCells } from '../ingest/index.ts';

// What the dlq commands show of the dead letters in the work list.

/**
 * A dead line's cells by name, where its record type has a known layout (DSR), else by
 * position. Invalid UTF-8 is shown with replacement characters; the raw bytes stay as they are.
 */
export function cellsOf(item: Pick<DeadLetterItem, 'raw' | 'recordType'>): { name: string; value: string }[] {
  const text = item.raw.toString('utf8');
  const cells = splitCells(text);
  const layout = item.recordType ? resolveRecord(item.recordType) : resolveRecord(cells[0] ?? '');
  return cells.map((value, i) => ({ name: layout?.names[i] ?? `cell ${i + 1}`, value }));
}
