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
export {
  CSV_RECORD_TYPE,
  CsvParser,
  HEADER_RECORD_TYPE,
  PREAMBLE_RECORD_TYPE,
  type CsvErrorClass,
  type CsvFileSummary,
  type CsvParserOptions,
} from './parser.ts';
export { parseCsvStream } from './parse-stream.ts';
export { RecordScanner, type ScanResult } from './scan.ts';
export type { ContextOutcome, DeadOutcome, LineOutcome, UsageOutcome } from '../dsr/types.ts';
