import type { FileRecord } from '../files/file-store.ts';
import { readLineBatches } from '../lines/index.ts';
import type { IngestRuntime } from '../runtime.ts';
import { openContent } from './content.ts';
import { parseFile, type LineOutcome } from './parse-file.ts';
import { recordLimits, usageTooLarge } from './record-size.ts';
import { usageEncoder } from './split-file.ts';

// Ingest's entry points for the dead-letter component: it re-reads a landed file through
// the same parser as the split, so a replayed line is judged exactly as it was first. The
// line comes from the landed file, whole, even where its dead letter holds a cut raw.

/**
 * Parses a landed file again and returns the outcomes of the wanted line numbers, reading
 * the lines of `replace` with other bytes (a correction). Blocks and context are rebuilt
 * from the whole file, as in the split.
 */
export async function reparseLines(
  rt: IngestRuntime,
  record: FileRecord,
  wanted: ReadonlySet<number>,
  replace: ReadonlyMap<number, Buffer>,
): Promise<Map<number, LineOutcome>> {
  if (!(await rt.landing.exists(record.landingKey)))
    throw new Error(`the landing store has no content ${record.landingKey} for file ${record.fileId}`);
  const batches = parseFile(record.format, openContent(rt, record), {
    fileId: record.fileId,
    sender: record.sender,
    fileName: record.fileName,
    config: rt.config,
    replace,
    ...(rt.csvMappings.has(record.sender) ? { csvMapping: rt.csvMappings.get(record.sender)! } : {}),
  });
  const out = new Map<number, LineOutcome>();
  // Judged as the split judges them: a usage event too large for its topic is a dead letter.
  const encoder = usageEncoder(rt, record.format);
  const limits = recordLimits(rt.config);
  for (;;) {
    const next = await batches.next();
    if (next.done) {
      if (next.value.fileError && out.size < wanted.size)
        throw new Error(`file ${record.fileId} reads no more: ${next.value.fileError}`);
      return out;
    }
    for (const o of next.value) {
      if (!wanted.has(o.lineNumber)) continue;
      const tooLarge =
        o.kind === 'usage'
          ? usageTooLarge(o, { key: o.value.lineId, value: encoder.encode(o.value) }, limits)
          : null;
      out.set(o.lineNumber, tooLarge ?? o);
    }
  }
}

/**
 * A landed file's lines as bytes (a correction file: small by nature), with the numbers of
 * the lines longer than the line limit, which are read as blank lines.
 */
export async function readLandedLines(
  rt: IngestRuntime,
  record: FileRecord,
): Promise<{ lines: Buffer[]; tooLong: number[] }> {
  const lines: Buffer[] = [];
  const tooLong: number[] = [];
  const maxLineBytes = rt.config.ingest.maxLineBytes;
  for await (const batch of readLineBatches(openContent(rt, record), { maxLineBytes }))
    for (const l of batch) {
      if (l.tooLong) tooLong.push(l.lineNumber);
      lines.push(l.tooLong ? Buffer.alloc(0) : Buffer.from(l.bytes));
    }
  return { lines, tooLong };
}
