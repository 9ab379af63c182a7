import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileStore } from '../ingest/index.ts';
import { cellsOf } from './inspect.ts';
import { operator } from './audit.ts';
import { settlementsOf, type DeadLetterItem, type DeadLetters } from './work-list.ts';

// A re-send request to a sender for the lines of one report that could not be used. There
// is no standard for it; the closest model is the DDEX CDM discrepancy record (CDD1:
// DiscrepancyType, DiscrepantRecordType, DiscrepantCellName), so the machine-readable part
// is a TSV with those columns, one row per dead line, plus a short summary for a person.

export const RESEND_COLUMNS = [
  'OriginalFileName',
  'MessageId',
  'LineNumber',
  'DiscrepantRecordType',
  'SalesTransactionId',
  'DiscrepantCellName',
  'DiscrepancyType',
  'Reason',
] as const;

export interface ResendFile {
  fileId: string;
  fileName: string;
  sender: string;
  messageId: string | null;
}

const clean = (v: string) => v.replace(/[\t\r\n]+/g, ' ');

export function resendRequest(
  file: ResendFile,
  items: DeadLetterItem[],
  now = new Date(),
): { tsv: string; summary: string } {
  const rows = [...items]
    .sort((a, b) => a.lineNumber - b.lineNumber)
    .map((d) => {
      const sales = cellsOf(d).find((c) => c.name === 'SalesTransactionId')?.value ?? '';
      return [
        file.fileName,
        file.messageId ?? '',
        String(d.lineNumber),
        d.recordType ?? '',
        sales,
        d.cell ?? '',
        d.errorClass,
        d.message,
      ].map(clean);
    });
  const tsv = [RESEND_COLUMNS.join('\t'), ...rows.map((r) => r.join('\t'))].join('\n') + '\n';

  const byClass = new Map<string, number>();
  for (const d of items) byClass.set(d.errorClass, (byClass.get(d.errorClass) ?? 0) + 1);
  const roots = items.filter((d) => d.errorClass !== 'ORPHANED').length;
  const summary = [
    `Re-send request for ${file.fileName}${file.messageId ? ` (MessageId ${file.messageId})` : ''}`,
    `Sender: ${file.sender}. Prepared ${now.toISOString().slice(0, 10)}.`,
    '',
    `${items.length} line(s) of this report could not be processed. Every other line was taken.`,
    `Please send corrected lines (same file name and line numbers) or a corrected report.`,
    '',
    'By reason:',
    ...[...byClass].sort((a, b) => b[1] - a[1]).map(([c, n]) => `  ${String(n).padStart(6)}  ${c}`),
    '',
    roots < items.length
      ? `${items.length - roots} of them (ORPHANED) are usage lines whose resource, release or summary line is itself listed: correcting that line fixes them too.`
      : '',
    'The attached TSV lists each line with the record type, the cell at fault and the reason.',
  ]
    .filter((l, i, all) => l !== '' || all[i - 1] !== '')
    .join('\n');
  return { tsv, summary: `${summary}\n` };
}

export interface WrittenRequest {
  fileId: string;
  lines: number;
  tsv: string;
  summary: string;
}

/**
 * Writes the re-send request for a file's open dead lines into `outDir` and marks them
 * requested. Null when the file has no open dead lines.
 */
export async function writeResendRequest(
  deadLetters: DeadLetters,
  files: FileStore,
  fileId: string,
  outDir: string,
): Promise<WrittenRequest | null> {
  const file = await files.get(fileId);
  if (!file) throw new Error(`no file ${fileId}`);
  const items = await deadLetters.list({ fileId, state: 'open' });
  if (items.length === 0) return null;
  const { tsv, summary } = resendRequest({ ...file, messageId: file.messageId ?? null }, items);
  await mkdir(outDir, { recursive: true });
  const base = path.join(outDir, `RESEND_${file.fileName.replace(/\.(tsv|csv|txt)(\.gz)?$/i, '')}`);
  await writeFile(`${base}.tsv`, tsv);
  await writeFile(`${base}.txt`, summary);
  await deadLetters.record(
    {
      action: 'request',
      by: operator(),
      scope: { fileId, request: `${base}.tsv` },
      lineIds: items.map((i) => i.lineId),
      result: { requested: items.length },
      settled: settlementsOf(items, 'requested', 'requested'),
    },
    fileId,
  );
  return { fileId, lines: items.length, tsv: `${base}.tsv`, summary: `${base}.txt` };
}
