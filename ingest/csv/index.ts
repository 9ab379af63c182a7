// Proprietary CSV/TSV usage reports: per-sender column mappings and the record parser.
export {
  CSV_DATE_FORMATS,
  CSV_TARGET_FIELDS,
  LINE_FIELDS,
  MULTI_VALUE_FIELDS,
  RELEASE_FIELDS,
  RESOURCE_FIELDS,
  csvMappingSchema,
  headerKey,
  isResourceField,
  parseCsvMapping,
  type CsvDateFormat,
  type CsvHeaderSearch,
  type CsvLineField,
  type CsvMapping,
  type CsvReleaseField,
  type CsvResourceField,
  type CsvTargetField,
} from './mapping.ts';
export { CsvParser, type CsvErrorClass, type CsvFileSummary, type CsvParserOptions } from './parser.ts';
export { CSV_RECORD_TYPE, HEADER_RECORD_TYPE, PREAMBLE_RECORD_TYPE } from './tally.ts';
export { parseCsvStream } from './parse-stream.ts';
export { RecordScanner, type ScanResult } from './scan.ts';
export type { ContextOutcome, DeadOutcome, LineOutcome, UsageOutcome } from '../dsr/types.ts';
