// DDEX DSR flat-file parsing: file names, cells, record layouts, and the line parser.
export { DsrParser, type DsrParserOptions } from './parser.ts';
export { parseDsrBatches, parseDsrStream } from './parse-stream.ts';
export type {
  ContextOutcome,
  DeadOutcome,
  DsrErrorClass,
  DsrHead,
  FileSummary,
  InputLine,
  LineOutcome,
  SummaryRecordLine,
  UsageOutcome,
} from './types.ts';
export {
  compareWithHead,
  parseDsrFileName,
  parsePeriod,
  type DsrFileName,
  type DsrPeriod,
  type FileNameResult,
  type HeadForFileName,
  type PeriodKind,
} from './file-name.ts';
export {
  escapeCell,
  hasEscapes,
  multiValues,
  splitCells,
  splitMultiValue,
  splitPlain,
  unescapeCell,
} from './cells.ts';
export {
  RECORD_DEFINITIONS,
  builtinCellNames,
  canonicalCellName,
  cellKind,
  knownRecordTypes,
  parseRecordTypeName,
  resolveRecord,
  type CellKind,
  type RecordLayout,
  type RecordRole,
  type RecordTypeName,
} from './record-types.ts';
