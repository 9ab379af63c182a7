// A sender's answer to our re-send request (dlq-tools: RESEND_<file>.tsv): a TSV whose
// header names at least OriginalFileName, LineNumber and, as the LAST column, CorrectedLine.
// The corrected line is a whole report line and so contains tabs itself: it is everything
// after the header's other columns, byte for byte. FileId may name the original exactly;
// any other column (MessageId, Reason … of our request) is ignored, so a sender can answer
// by adding CorrectedLine to the request it got. Its file name starts with CORRECTION_.

export const CORRECTION_COLUMNS = ['OriginalFileName', 'LineNumber', 'CorrectedLine'] as const;

export interface CorrectionRow {
  /** line of the correction file */
  row: number;
  originalFileName: string;
  fileId: string | null;
  lineNumber: number;
  correctedLine: Buffer;
}

export interface CorrectionError {
  row: number;
  cell: string | null;
  message: string;
}

const TAB = 9;

/** Splits a row into the first `n - 1` cells and the rest (the corrected line). */
function cellsOf(bytes: Buffer, n: number): Buffer[] {
  const cells: Buffer[] = [];
  let start = 0;
  while (cells.length < n - 1) {
    const tab = bytes.indexOf(TAB, start);
    if (tab < 0) break;
    cells.push(bytes.subarray(start, tab));
    start = tab + 1;
  }
  cells.push(bytes.subarray(start));
  return cells;
}

/** Reads a correction file's lines (without terminators); every fault named by row and cell. */
export function parseCorrectionFile(lines: Buffer[]): { rows: CorrectionRow[]; errors: CorrectionError[] } {
  const errors: CorrectionError[] = [];
  const rows: CorrectionRow[] = [];
  const header = (lines[0] ?? Buffer.alloc(0))
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .split('\t');
  for (const name of CORRECTION_COLUMNS)
    if (!header.includes(name))
      errors.push({ row: 1, cell: name, message: `the header has no column ${name}` });
  if (header.at(-1) !== 'CorrectedLine' && header.includes('CorrectedLine'))
    errors.push({ row: 1, cell: 'CorrectedLine', message: 'CorrectedLine must be the last column' });
  if (errors.length) return { rows, errors };

  const at = (name: string) => header.indexOf(name);
  const seen = new Map<string, number>();
  lines.slice(1).forEach((bytes, i) => {
    const row = i + 2;
    if (bytes.length === 0) return;
    const cells = cellsOf(bytes, header.length);
    if (cells.length < header.length) {
      errors.push({
        row,
        cell: null,
        message: `${cells.length} cells, the header has ${header.length}`,
      });
      return;
    }
    const text = (name: string) => cells[at(name)]!.toString('utf8').trim();
    const originalFileName = text('OriginalFileName');
    const fileId = at('FileId') >= 0 ? text('FileId') || null : null;
    const lineNumber = Number(text('LineNumber'));
    const correctedLine = cells.at(-1)!;
    if (!originalFileName && !fileId)
      errors.push({ row, cell: 'OriginalFileName', message: 'empty: which file does this line correct?' });
    if (!Number.isInteger(lineNumber) || lineNumber < 1)
      errors.push({
        row,
        cell: 'LineNumber',
        message: `${JSON.stringify(text('LineNumber'))} is not a line number`,
      });
    if (correctedLine.length === 0)
      errors.push({ row, cell: 'CorrectedLine', message: 'empty: the corrected line is missing' });
    const key = `${fileId ?? originalFileName}:${lineNumber}`;
    if (seen.has(key))
      errors.push({
        row,
        cell: 'LineNumber',
        message: `line ${lineNumber} is corrected on row ${seen.get(key)} already`,
      });
    seen.set(key, row);
    rows.push({ row, originalFileName, fileId, lineNumber, correctedLine });
  });
  if (rows.length === 0 && errors.length === 0)
    errors.push({ row: 2, cell: null, message: 'no corrected lines' });
  return { rows: errors.length ? [] : rows, errors };
}

/** The correction file for some dead lines: what a sender would send back. */
export function correctionFile(
  rows: { originalFileName: string; lineNumber: number; correctedLine: Buffer | string }[],
): Buffer {
  const lines = [Buffer.from('OriginalFileName\tLineNumber\tCorrectedLine')];
  for (const r of rows)
    lines.push(
      Buffer.concat([Buffer.from(`${r.originalFileName}\t${r.lineNumber}\t`), Buffer.from(r.correctedLine)]),
    );
  return Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
}
