// The columns of a CSV usage report, by kind: how each kind of cell is checked and where its
// value goes in the UsageLine.
import { isCanonicalIsrc, normaliseIsrc, normaliseIswc } from '../../core/identifiers/index.ts';
import type { Release, Resource, UsageLine } from '../../core/schemas/index.ts';
import {
  parseDateIn,
  parseDecimal,
  parseDigits,
  parseSimpleDuration,
  quoteValue as q,
} from '../../core/values/index.ts';
import type { CsvDateFormat, CsvTargetField } from './mapping.ts';
import { playsProblem } from './messages.ts';
import type { CsvErrorClass } from './parser.ts';

export type Kind = 'isrc' | 'iswc' | 'plays' | 'decimal' | 'date' | 'duration' | 'multi' | 'text' | 'code';

/** A mapped column of the file, in the reading plan built from its header row. */
export interface MappedColumn {
  index: number;
  /** header name as written in the file */
  header: string;
  field: CsvTargetField;
  kind: Kind;
  required: boolean;
}

/** Why a record is dead-lettered, before it becomes a dead letter. */
export interface Fault {
  errorClass: CsvErrorClass;
  message: string;
  cell?: string;
}

/** The kind of each target field: how its cells are read. */
export const KIND: Record<CsvTargetField, Kind> = {
  isrc: 'isrc',
  iswc: 'iswc',
  usages: 'plays',
  priceConsumerPaid: 'decimal',
  periodStart: 'date',
  periodEnd: 'date',
  durationSeconds: 'duration',
  displayArtists: 'multi',
  composers: 'multi',
  publishers: 'multi',
  title: 'text',
  subTitle: 'text',
  releaseTitle: 'text',
  label: 'text',
  territory: 'code',
  currency: 'code',
  salesTransactionId: 'code',
  useType: 'code',
  commercialModel: 'code',
  dspResourceId: 'code',
  resourceType: 'code',
  icpn: 'code',
  dspReleaseId: 'code',
};

/** What reading a column needs from the parser: the mapping's formats and a cache of dates. */
export interface FieldContext {
  readonly decimalSeparator: '.' | ',';
  readonly dateFormat: CsvDateFormat;
  readonly multiSeparator: string;
  readonly dateCache: Map<string, string | null>;
}

/** A cell that is not a value of its column's kind. */
function fault(col: MappedColumn, errorClass: CsvErrorClass, message: string): Fault {
  return { errorClass, cell: col.header, message };
}

/**
 * Reads the trimmed, non-empty cell `v` (`raw` as written) of a column of a kind other than
 * text into the event: null, or the fault when the cell is not a value of its kind.
 * One case per column kind, found by its name; a switch rather than a table of closures
 * because it runs for every cell of every row.
 */
export function readColumn(
  ctx: FieldContext,
  col: MappedColumn,
  raw: string,
  v: string,
  value: UsageLine,
  resource: Resource | null,
  release: Release | null,
): Fault | null {
  switch (col.kind) {
    case 'plays': {
      const plays = parseDigits(v);
      if (Number.isNaN(plays)) {
        return fault(
          col,
          'INVALID_NUMBER',
          `column ${q(col.header)} (${col.field}) is ${q(raw)}: ${playsProblem(v)}`,
        );
      } else value.usages = plays;
      return null;
    }
    case 'isrc': {
      if (isCanonicalIsrc(v)) (resource as Resource).isrc = v;
      else {
        const r = normaliseIsrc(v);
        if (r.ok) (resource as Resource).isrc = r.value;
        else {
          return fault(col, 'INVALID_ISRC', `column ${q(col.header)} (isrc): ${r.reason}`);
        }
      }
      return null;
    }
    case 'iswc': {
      const r = normaliseIswc(v);
      if (r.ok) (resource as Resource).iswc = r.value;
      else {
        return fault(col, 'INVALID_ISWC', `column ${q(col.header)} (iswc): ${r.reason}`);
      }
      return null;
    }
    case 'decimal': {
      const d = parseDecimal(v, ctx.decimalSeparator);
      if (d === null) {
        return fault(
          col,
          'INVALID_NUMBER',
          `column ${q(col.header)} (${col.field}) is ${q(raw)}; expected a decimal number with ${q(ctx.decimalSeparator)} as decimal separator and no thousands separators (e.g. ${ctx.decimalSeparator === '.' ? '12.3456' : '12,3456'})`,
        );
      } else value.priceConsumerPaid = d;
      return null;
    }
    case 'date': {
      let d = ctx.dateCache.get(v);
      if (d === undefined) {
        d = parseDateIn(v, ctx.dateFormat);
        if (ctx.dateCache.size > 1000) ctx.dateCache.clear();
        ctx.dateCache.set(v, d);
      }
      if (d === null) {
        return fault(
          col,
          'INVALID_DATE',
          `column ${q(col.header)} (${col.field}) is ${q(raw)}; expected a date as ${ctx.dateFormat}`,
        );
      } else if (col.field === 'periodStart') value.periodStart = d;
      else value.periodEnd = d;
      return null;
    }
    case 'duration': {
      const s = parseSimpleDuration(v);
      if (s === null) {
        return fault(
          col,
          'INVALID_DURATION',
          `column ${q(col.header)} (durationSeconds) is ${q(raw)}; expected seconds (225), m:ss (3:45), h:mm:ss or ISO 8601 (PT3M45S)`,
        );
      } else (resource as Resource).durationSeconds = s;
      return null;
    }
    case 'multi': {
      const list = multiTarget(col.field, resource as Resource);
      if (raw.indexOf(ctx.multiSeparator) === -1) list.push(v);
      else {
        for (const part of raw.split(ctx.multiSeparator)) {
          const t = part.trim();
          if (t !== '') list.push(t);
        }
      }
      return null;
    }
    default:
      assign(value, resource, release, col.field, v);
      return null;
  }
}

function multiTarget(field: CsvTargetField, resource: Resource): string[] {
  if (field === 'composers') return resource.composers;
  if (field === 'publishers') return resource.publishers;
  return resource.displayArtists;
}

/** Sets a text or code field. */
export function assign(
  value: UsageLine,
  resource: Resource | null,
  release: Release | null,
  field: CsvTargetField,
  v: string,
): void {
  switch (field) {
    case 'title':
      (resource as Resource).title = v;
      return;
    case 'subTitle':
      (resource as Resource).subTitle = v;
      return;
    case 'dspResourceId':
      (resource as Resource).dspResourceId = v;
      return;
    case 'resourceType':
      (resource as Resource).resourceType = v;
      return;
    case 'releaseTitle':
      (release as Release).title = v;
      return;
    case 'label':
      (release as Release).label = v;
      return;
    case 'icpn':
      (release as Release).icpn = v;
      return;
    case 'dspReleaseId':
      (release as Release).dspReleaseId = v;
      return;
    case 'territory':
      value.territory = v;
      return;
    case 'currency':
      value.currency = v;
      return;
    case 'salesTransactionId':
      value.salesTransactionId = v;
      return;
    case 'useType':
      value.useType = v;
      return;
    case 'commercialModel':
      value.commercialModel = v;
      return;
    default:
      throw new Error(`no target for ${field}`);
  }
}
