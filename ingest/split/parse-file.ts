import type { Config } from '../../core/config/index.ts';
import type { LineCounts } from '../../core/schemas/index.ts';
import {
  compareWithHead,
  DsrParser,
  parseDsrFileName,
  type InputLine,
  type LineOutcome,
} from '../dsr/index.ts';
import { readLineBatches } from '../lines/index.ts';
import { CsvParser, type CsvMapping } from '../csv/index.ts';
import type { FileFormat } from '../files/file-store.ts';

export type { LineOutcome };

/** What a parser says of a whole file once it has read it. */
export interface ParseSummary {
  /** a file-level fault: the file is refused, not split */
  fileError: string | null;
  counts: LineCounts;
  footerCheck: string | null;
  /** dead-lettered lines per error class */
  deadByClass: Record<string, number>;
  /** the sender's id of the message (DSR HEAD MessageId), for requests back to the sender */
  messageId: string | null;
  warnings: string[];
}

export interface ParseOptions {
  fileId: string;
  sender: string;
  fileName: string;
  config: Config;
  /** the sender's column mapping, for CSV */
  csvMapping?: CsvMapping;
  /** lines to read with other bytes, by line number: a replay with corrected lines */
  replace?: ReadonlyMap<number, Buffer>;
}

/** The line as read, or its replacement (which is never too long: the caller checked it). */
function replaced(line: InputLine, replace: ReadonlyMap<number, Buffer> | undefined): InputLine {
  const bytes = replace?.get(line.lineNumber);
  return bytes ? { lineNumber: line.lineNumber, bytes, byteOffset: line.byteOffset } : line;
}

/**
 * The parser for a format, as batches of outcomes (one per line, in line order) and a
 * summary at the end. A parser stops early, with `fileError` set, as soon as it knows the
 * file is not of its format, so that nothing of such a file is ever published. The CSV
 * parser may also give a file up later (too many stray quotes): the outcomes up to that
 * point are yielded, and are exactly what its summary counts.
 */
export function parseFile(
  format: FileFormat,
  source: AsyncIterable<Uint8Array>,
  options: ParseOptions,
): AsyncGenerator<LineOutcome[], ParseSummary> {
  switch (format) {
    case 'DSR':
      return parseDsr(source, options);
    case 'CSV':
      return parseCsv(source, options);
    case 'CORRECTION':
      throw new Error('a correction file is not split by a report parser (ingest/corrections)');
  }
}

async function* parseDsr(
  source: AsyncIterable<Uint8Array>,
  options: ParseOptions,
): AsyncGenerator<LineOutcome[], ParseSummary> {
  const maxLineBytes = options.config.ingest.maxLineBytes;
  const parser = new DsrParser({ fileId: options.fileId, sender: options.sender, maxLineBytes });
  for await (const lines of readLineBatches(source, { maxLineBytes })) {
    const out = new Array<LineOutcome>(lines.length);
    for (let i = 0; i < lines.length; i++) out[i] = parser.accept(replaced(lines[i]!, options.replace));
    if (parser.fileError) break;
    yield out;
  }
  const summary = parser.finish();
  const warnings = [...summary.warnings];
  const name = parseDsrFileName(options.fileName);
  if (name.ok && summary.head) warnings.unshift(...compareWithHead(name.value, summary.head));
  return {
    fileError: summary.fileError,
    counts: summary.counts,
    footerCheck: summary.footerCheck,
    deadByClass: summary.deadByClass as Record<string, number>,
    messageId: summary.head?.messageId ?? null,
    warnings,
  };
}

async function* parseCsv(
  source: AsyncIterable<Uint8Array>,
  options: ParseOptions,
): AsyncGenerator<LineOutcome[], ParseSummary> {
  if (!options.csvMapping) throw new Error(`no CSV mapping for sender ${options.sender}`);
  const maxLineBytes = options.config.ingest.maxLineBytes;
  const parser = new CsvParser({
    fileId: options.fileId,
    sender: options.sender,
    mapping: options.csvMapping,
    maxLineBytes,
  });
  for await (const lines of readLineBatches(source, { maxLineBytes })) {
    const out: LineOutcome[] = [];
    for (const line of lines) parser.push(replaced(line, options.replace), out);
    // The outcomes before a stop are counted in the summary: they are handed on too.
    yield out;
    if (parser.fileError && parser.stopped) break;
  }
  const tail: LineOutcome[] = [];
  const summary = parser.finish(tail);
  if (tail.length) yield tail;
  return {
    fileError: summary.fileError,
    counts: summary.counts,
    footerCheck: null,
    deadByClass: summary.deadByClass as Record<string, number>,
    messageId: null,
    warnings: summary.warnings,
  };
}
