/**
 * Per-sender column mapping for proprietary CSV/TSV usage reports: how to find the header
 * row, how cells are delimited and quoted, and which header name fills which UsageLine field.
 * Columns that are not mapped go to `UsageLine.extra` under their header name.
 *
 * `csvMappingSchema` validates a mapping read from configuration (JSON) and fills defaults;
 * `parseCsvMapping` is the convenience that throws a readable error.
 */

import { z } from 'zod';
import { DATE_LAYOUTS, type DateLayout } from '../../core/values/index.ts';

/** UsageLine.resources[0] fields a column can fill. */
export const RESOURCE_FIELDS = [
  'isrc',
  'iswc',
  'title',
  'subTitle',
  'displayArtists',
  'dspResourceId',
  'durationSeconds',
  'resourceType',
  'composers',
  'publishers',
] as const;

/** UsageLine.release fields a column can fill (`releaseTitle` is Release.title). */
export const RELEASE_FIELDS = ['releaseTitle', 'icpn', 'dspReleaseId', 'label'] as const;

/** Fields of the UsageLine itself. */
export const LINE_FIELDS = [
  'usages',
  'territory',
  'periodStart',
  'periodEnd',
  'priceConsumerPaid',
  'currency',
  'salesTransactionId',
  'useType',
  'commercialModel',
] as const;

export type CsvResourceField = (typeof RESOURCE_FIELDS)[number];
export type CsvReleaseField = (typeof RELEASE_FIELDS)[number];
export type CsvLineField = (typeof LINE_FIELDS)[number];

/** UsageLine fields a CSV column can fill. */
export type CsvTargetField = CsvResourceField | CsvReleaseField | CsvLineField;

export const CSV_TARGET_FIELDS: readonly CsvTargetField[] = [
  ...LINE_FIELDS,
  ...RESOURCE_FIELDS,
  ...RELEASE_FIELDS,
];

/** Fields holding several values (split on `multiValueSeparator`); they may be mapped from several columns. */
export const MULTI_VALUE_FIELDS: readonly CsvTargetField[] = ['displayArtists', 'composers', 'publishers'];

/** Date layouts of periodStart / periodEnd cells; the events always carry YYYY-MM-DD. */
export const CSV_DATE_FORMATS = DATE_LAYOUTS;
export type CsvDateFormat = DateLayout;

/** Rule for finding the header row instead of trusting a fixed line number. */
export interface CsvHeaderSearch {
  /** the header is the first line, at or after `headerLine`, that contains every mapped header name */
  rule: 'all-mapped-columns';
  /** how many lines (from `headerLine` on) are searched before the file is refused */
  maxLines: number;
}

/** How to read one sender's CSV files. */
export interface CsvMapping {
  sender: string;
  format: 'CSV';
  encoding: 'utf-8';
  /** a UTF-8 byte order mark may precede the first line (one is always stripped; unexpected ones are warned about) */
  bom: boolean;
  /** one character: ',' ';' '\t' '|' … */
  delimiter: string;
  /** one character; a quote inside a quoted field is doubled (RFC 4180) */
  quote: string;
  /**
   * 1-based physical line of the header row; the lines before it are a preamble. With
   * `findHeader`, the line where the search for the header starts.
   */
  headerLine: number;
  /** find the header row by its content (for senders whose preamble varies) */
  findHeader?: CsvHeaderSearch;
  /** header name (as in the file; matched ignoring case and surrounding spaces) -> UsageLine field */
  columns: Record<string, CsvTargetField>;
  /**
   * The mapped fields that belong to the resource (resources[0]) rather than to the usage line.
   * Informative: routing is fixed per field (see RESOURCE_FIELDS); the schema checks the list.
   */
  resourceFields: readonly CsvTargetField[];
  /** separator inside multi-value cells (displayArtists, composers, publishers); values are trimmed */
  multiValueSeparator: string;
  /** decimal separator of priceConsumerPaid ('.' or ','); events always carry '.' */
  decimalSeparator: '.' | ',';
  /** layout of date cells (default YYYY-MM-DD) */
  dateFormat?: CsvDateFormat;
  /**
   * Fields whose cell must not be empty (MISSING_REQUIRED_CELL). `usages` is always required;
   * other empty cells become null (or an empty list).
   */
  required?: readonly CsvTargetField[];
}

const RESOURCE_SET: ReadonlySet<string> = new Set(RESOURCE_FIELDS);

/** Key a header name is matched by: trimmed, inner spaces collapsed, lower case. */
export function headerKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

const oneChar = (what: string) =>
  z
    .string()
    .length(1, `${what} must be exactly one character`)
    .refine((c) => c !== '\r' && c !== '\n', `${what} cannot be a line break`);

const targetField = z.enum(CSV_TARGET_FIELDS as [CsvTargetField, ...CsvTargetField[]]);

/** Zod schema of a CsvMapping (JSON form); fills defaults and checks consistency. */
export const csvMappingSchema = z
  .strictObject({
    sender: z.string().min(1),
    format: z.literal('CSV').default('CSV'),
    encoding: z.literal('utf-8').default('utf-8'),
    bom: z.boolean().default(true),
    delimiter: oneChar('delimiter').default(','),
    quote: oneChar('quote').default('"'),
    headerLine: z.number().int().min(1).max(10_000).default(1),
    findHeader: z
      .strictObject({
        rule: z.literal('all-mapped-columns').default('all-mapped-columns'),
        maxLines: z.number().int().min(1).max(10_000).default(50),
      })
      .optional(),
    columns: z
      .record(
        z.string().refine((h) => h.trim() !== '', 'a header name cannot be empty'),
        targetField,
      )
      .refine((c) => Object.keys(c).length > 0, 'map at least one column'),
    resourceFields: z.array(targetField).optional(),
    multiValueSeparator: z.string().min(1).default(';'),
    decimalSeparator: z.enum(['.', ',']).default('.'),
    dateFormat: z.enum(CSV_DATE_FORMATS).optional(),
    required: z.array(targetField).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.delimiter === m.quote) {
      ctx.addIssue({ code: 'custom', path: ['quote'], message: 'quote and delimiter must differ' });
    }
    const byKey = new Map<string, string>();
    const byField = new Map<CsvTargetField, string>();
    for (const [header, field] of Object.entries(m.columns)) {
      const k = headerKey(header);
      const other = byKey.get(k);
      if (other !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['columns', header],
          message: `header names ${JSON.stringify(other)} and ${JSON.stringify(header)} are the same when case and spaces are ignored`,
        });
      }
      byKey.set(k, header);
      const prev = byField.get(field);
      if (prev !== undefined && !MULTI_VALUE_FIELDS.includes(field)) {
        ctx.addIssue({
          code: 'custom',
          path: ['columns', header],
          message: `${field} is already mapped from ${JSON.stringify(prev)}; only multi-value fields (${MULTI_VALUE_FIELDS.join(', ')}) may come from several columns`,
        });
      }
      byField.set(field, header);
    }
    if (!byField.has('usages')) {
      ctx.addIssue({
        code: 'custom',
        path: ['columns'],
        message: 'no column is mapped to usages (the play count)',
      });
    }
    for (const f of m.resourceFields ?? []) {
      if (!RESOURCE_SET.has(f)) {
        ctx.addIssue({
          code: 'custom',
          path: ['resourceFields'],
          message: `${f} is not a resource field (resource fields: ${RESOURCE_FIELDS.join(', ')})`,
        });
      } else if (!byField.has(f)) {
        ctx.addIssue({
          code: 'custom',
          path: ['resourceFields'],
          message: `${f} is not mapped from any column`,
        });
      }
    }
    for (const f of m.required ?? []) {
      if (!byField.has(f)) {
        ctx.addIssue({
          code: 'custom',
          path: ['required'],
          message: `${f} is required but no column is mapped to it`,
        });
      }
    }
  })
  .transform((m): CsvMapping => {
    const { resourceFields, findHeader, dateFormat, required, ...rest } = m;
    const out: CsvMapping = {
      ...rest,
      resourceFields:
        resourceFields ??
        uniq(Object.values(m.columns).filter((f): f is CsvTargetField => RESOURCE_SET.has(f))),
    };
    if (findHeader !== undefined) out.findHeader = findHeader;
    if (dateFormat !== undefined) out.dateFormat = dateFormat;
    if (required !== undefined) out.required = required;
    return out;
  });

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** Validates a mapping (e.g. parsed JSON) and fills defaults; throws an Error listing every problem. */
export function parseCsvMapping(input: unknown): CsvMapping {
  const r = csvMappingSchema.safeParse(input);
  if (!r.success) throw new Error(`invalid CSV mapping:\n${z.prettifyError(r.error)}`);
  return r.data;
}

/** True when the field goes to resources[0]. */
export function isResourceField(field: CsvTargetField): field is CsvResourceField {
  return RESOURCE_SET.has(field);
}
