/**
 * Streaming line splitter for decompressed report bytes.
 *
 * Lines end with LF or CRLF; the terminator is removed and nothing else is touched (no
 * decoding, no trimming), so a dead-lettered line can be stored byte-for-byte. A final line
 * without terminator is returned too; a file ending with a terminator does not produce an
 * extra empty line. Memory is bounded by `maxLineBytes`: a longer line is returned once,
 * flagged `tooLong`, with only its first `maxLineBytes` bytes, and the rest of it is skipped
 * without being stored.
 */

export interface Line {
  /** 1-based physical line number */
  lineNumber: number;
  /** the line without its LF / CRLF terminator; a view into the input chunk where possible */
  bytes: Buffer;
  /** offset of the first byte of the line in the (decompressed) stream */
  byteOffset: number;
  /** set when the line was longer than maxLineBytes: bytes then holds only its first maxLineBytes bytes */
  tooLong?: boolean;
  /** full length in bytes (without terminator) of a line flagged tooLong */
  byteLength?: number;
}

export interface LineReaderOptions {
  /** longest line kept in memory, in bytes (default 8 MiB) */
  maxLineBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;

const LF = 10;
const CR = 13;

/** Push-style splitter: feed chunks, receive lines through a callback. Synchronous and allocation-light. */
export class LineSplitter {
  private readonly max: number;
  private lineNumber = 0;
  /** bytes of the stream consumed by completed push() calls */
  private consumed = 0;
  // the current partial line (started in an earlier chunk)
  private pieces: Buffer[] = [];
  private storedLen = 0;
  private partialTotal = 0;
  private partialStart = 0;
  private lastByte = -1;

  constructor(options: LineReaderOptions = {}) {
    const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`maxLineBytes must be a positive integer, got ${max}`);
    this.max = max;
  }

  /** Lines seen so far. */
  get lines(): number {
    return this.lineNumber;
  }

  push(input: Uint8Array, emit: (line: Line) => void): void {
    const chunk = Buffer.isBuffer(input)
      ? input
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const n = chunk.length;
    const max = this.max;
    let pos = 0;
    while (pos < n) {
      const nl = chunk.indexOf(LF, pos);
      if (nl === -1) {
        this.appendPartial(chunk, pos, n);
        break;
      }
      if (this.partialTotal === 0) {
        // the whole line lies in this chunk: hand out a view, no copy
        let end = nl;
        if (end > pos && chunk[end - 1] === CR) end--;
        const len = end - pos;
        const lineNumber = ++this.lineNumber;
        const byteOffset = this.consumed + pos;
        if (len > max) {
          emit({
            lineNumber,
            bytes: chunk.subarray(pos, pos + max),
            byteOffset,
            tooLong: true,
            byteLength: len,
          });
        } else {
          emit({ lineNumber, bytes: chunk.subarray(pos, end), byteOffset });
        }
      } else {
        this.appendPartial(chunk, pos, nl);
        this.flushPartial(emit);
      }
      pos = nl + 1;
    }
    this.consumed += n;
  }

  /** Call once at the end of the stream: emits a final line that has no terminator. */
  end(emit: (line: Line) => void): void {
    if (this.partialTotal > 0) this.flushPartial(emit);
  }

  private appendPartial(chunk: Buffer, from: number, to: number): void {
    const len = to - from;
    if (len <= 0) return;
    if (this.partialTotal === 0) this.partialStart = this.consumed + from;
    this.partialTotal += len;
    this.lastByte = chunk[to - 1] as number;
    const room = this.max - this.storedLen;
    if (room <= 0) return; // over the limit: count, do not store
    const take = len < room ? len : room;
    this.pieces.push(chunk.subarray(from, from + take));
    this.storedLen += take;
  }

  private flushPartial(emit: (line: Line) => void): void {
    const content = this.lastByte === CR ? this.partialTotal - 1 : this.partialTotal;
    const stored =
      this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces, this.storedLen);
    const lineNumber = ++this.lineNumber;
    const byteOffset = this.partialStart;
    if (content > this.max) {
      emit({ lineNumber, bytes: stored, byteOffset, tooLong: true, byteLength: content });
    } else {
      emit({ lineNumber, bytes: stored.subarray(0, content), byteOffset });
    }
    this.pieces = [];
    this.storedLen = 0;
    this.partialTotal = 0;
    this.lastByte = -1;
  }
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Splits a byte stream (a fs read stream, a gunzip stream, any async iterable of chunks) into
 * lines, one at a time.
 */
export async function* readLines(
  source: AsyncIterable<Uint8Array | string>,
  options: LineReaderOptions = {},
): AsyncGenerator<Line, void, undefined> {
  for await (const batch of readLineBatches(source, options)) {
    for (let i = 0; i < batch.length; i++) yield batch[i] as Line;
  }
}

/**
 * Like readLines, but yields the lines of each input chunk as one array: one await per chunk
 * instead of one per line, for callers that process millions of lines.
 */
export async function* readLineBatches(
  source: AsyncIterable<Uint8Array | string>,
  options: LineReaderOptions = {},
): AsyncGenerator<Line[], void, undefined> {
  const splitter = new LineSplitter(options);
  let batch: Line[] = [];
  const emit = (line: Line): void => {
    batch.push(line);
  };
  for await (const chunk of source) {
    splitter.push(toBuffer(chunk), emit);
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  splitter.end(emit);
  if (batch.length > 0) yield batch;
}
