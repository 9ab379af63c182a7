import { cellsOf, type DeadLetterItem } from '../../dead-letters/index.ts';

/** A valid ISRC for a corrected resource line (one a test catalog can link). */
export const CORRECTED_ISRC = 'USRC17607839';

/**
 * What a sender would send back for a dead line of a generated report: the cell at fault
 * with a good value (INVALID_ISRC, INVALID_NUMBER), an orphaned line as it was.
 */
export function senderFix(item: DeadLetterItem): Buffer {
  if (item.errorClass === 'ORPHANED') return item.raw;
  const cells = item.raw.toString('utf8').split('\t');
  const at = cellsOf(item).findIndex((c) => c.name === item.cell);
  if (at < 0) throw new Error(`${item.lineId}: no cell ${item.cell} to fix`);
  if (item.errorClass === 'INVALID_ISRC') cells[at] = CORRECTED_ISRC;
  else if (item.errorClass === 'INVALID_NUMBER') cells[at] = '7';
  else throw new Error(`${item.lineId}: the test sender cannot fix ${item.errorClass}`);
  return Buffer.from(cells.join('\t'));
}
