import type { LineOutcome } from '../dsr/types.ts';
import { readLineBatches, type Line, type LineReaderOptions } from '../lines/line-reader.ts';
import { CsvParser, type CsvFileSummary, type CsvParserOptions } from './parser.ts';

/**
 * Splits a decompressed CSV byte stream: yields one outcome per preamble line, header row and
 * record, and returns the file summary when the stream ends (or when the file is refused or
 * given up — then the rest of the source is not read; check `fileError`).
 */
export async function* parseCsvStream(
  source: AsyncIterable<Uint8Array | string>,
  options: CsvParserOptions,
): AsyncGenerator<LineOutcome, CsvFileSummary, undefined> {
  const parser = new CsvParser(options);
  const readerOptions: LineReaderOptions = {};
  if (options.maxLineBytes !== undefined) readerOptions.maxLineBytes = options.maxLineBytes;
  let out: LineOutcome[] = [];
  for await (const batch of readLineBatches(source, readerOptions)) {
    for (let i = 0; i < batch.length; i++) parser.push(batch[i] as Line, out);
    if (out.length > 0) {
      const ready = out;
      out = [];
      for (let i = 0; i < ready.length; i++) yield ready[i] as LineOutcome;
    }
    if (parser.stopped) break;
  }
  const summary = parser.finish(out);
  for (let i = 0; i < out.length; i++) yield out[i] as LineOutcome;
  return summary;
}
