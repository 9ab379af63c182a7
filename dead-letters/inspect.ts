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

/**
 * Where the whole of a line whose dead letter holds only its first bytes (too large for the
 * topic) is, or null for a dead letter that holds its whole line.
 */
export function cutRawNote(
  item: Pick<DeadLetterItem, 'raw' | 'rawCut' | 'rawLength' | 'byteOffset' | 'landingKey' | 'fileId'>,
): string | null {
  if (!item.rawCut) return null;
  const start = item.byteOffset ?? 0;
  const end = start + (item.rawLength ?? item.raw.length);
  return (
    `the raw line is cut to its first ${item.raw.length} of ${item.rawLength ?? '?'} bytes (too large for the topic); ` +
    `the whole line is bytes ${start}–${end} of file ${item.fileId}'s content in the landing store (${item.landingKey ?? '?'}); ` +
    'a replay reads it from there'
  );
}
