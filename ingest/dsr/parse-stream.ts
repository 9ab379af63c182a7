import { readLineBatches, type LineReaderOptions } from '../lines/line-reader.ts';
import { DsrParser, type DsrParserOptions } from './parser.ts';
import type { FileSummary, LineOutcome } from './types.ts';

/**
 * Splits a decompressed DSR byte stream into one outcome per physical line, yielded in
 * arrays (one per input chunk: one await per chunk, not per line), and returns the file
 * summary when the stream ends. `maxLineBytes` bounds both the line reader and the parser.
 * Check the summary's `fileError` (or `parser.fileError` early) to refuse a non-DSR file.
 */
export async function* parseDsrBatches(
  source: AsyncIterable<Uint8Array | string>,
  options: DsrParserOptions,
): AsyncGenerator<LineOutcome[], FileSummary, undefined> {
  const parser = new DsrParser(options);
  const readerOptions: LineReaderOptions = {};
  if (options.maxLineBytes !== undefined) readerOptions.maxLineBytes = options.maxLineBytes;
  for await (const batch of readLineBatches(source, readerOptions)) {
    const out: LineOutcome[] = new Array<LineOutcome>(batch.length);
    for (let i = 0; i < batch.length; i++) out[i] = parser.accept(batch[i] as (typeof batch)[number]);
    yield out;
  }
  return parser.finish();
}

/** Like parseDsrBatches, one outcome at a time. */
export async function* parseDsrStream(
  source: AsyncIterable<Uint8Array | string>,
  options: DsrParserOptions,
): AsyncGenerator<LineOutcome, FileSummary, undefined> {
  const batches = parseDsrBatches(source, options);
  for (;;) {
    const next = await batches.next();
    if (next.done) return next.value;
    yield* next.value;
  }
}
