export {
  DEFAULT_MAX_LINE_BYTES,
  LineSplitter,
  readLineBatches,
  readLines,
  type Line,
  type LineReaderOptions,
} from './line-reader.ts';
export { findInvalidUtf8, hexByte } from './utf8.ts';
