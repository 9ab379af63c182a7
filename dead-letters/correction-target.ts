import type { FileRecord } from '../ingest/index.ts';
import type { CorrectionRow } from './correction-file.ts';

// Which file a correction row corrects: the one rule for correction intake and
// `dlq replay --with-file`. A sender's corrections only target that sender's own split
// report files (never a correction file). FileId, when given, wins and must be one of them;
// otherwise OriginalFileName must name exactly one of them: several of the same name are
// refused, naming each candidate, as the row could mean any.

export type CorrectionTarget =
  { ok: true; file: FileRecord } | { ok: false; cell: 'FileId' | 'OriginalFileName'; message: string };

export function correctionTarget(
  files: readonly FileRecord[],
  sender: string,
  row: Pick<CorrectionRow, 'fileId' | 'originalFileName'>,
): CorrectionTarget {
  const own = files.filter((f) => f.sender === sender && f.format !== 'CORRECTION' && f.state === 'split');
  if (row.fileId) {
    const file = own.find((f) => f.fileId === row.fileId);
    return file
      ? { ok: true, file }
      : { ok: false, cell: 'FileId', message: `no split file ${row.fileId} of sender ${sender}` };
  }
  const named = own.filter((f) => f.fileName === row.originalFileName);
  if (named.length === 1) return { ok: true, file: named[0]! };
  return {
    ok: false,
    cell: 'OriginalFileName',
    message: named.length
      ? `${named.length} split files of sender ${sender} are named ${JSON.stringify(row.originalFileName)} (${named.map((f) => f.fileId).join(', ')}): give FileId`
      : `no split file ${JSON.stringify(row.originalFileName)} of sender ${sender}`,
  };
}
