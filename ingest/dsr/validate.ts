import { normaliseIsrc, normaliseIswc } from '../../core/identifiers/index.ts';
import {
  isDecimal,
  isInteger,
  parseBool,
  parseCount,
  parseDateTime,
  parseDurationSeconds,
  parseIsoDate,
  quoteValue as q,
} from '../../core/values/index.ts';
import { splitMultiValue } from './cells.ts';
import type { RecordLayout } from './record-types.ts';
import type { DsrErrorClass } from './types.ts';

/** Why a line is dead-lettered, before it becomes a dead letter. */
export interface Fault {
  errorClass: DsrErrorClass;
  message: string;
  cell?: string;
  stage: 'parse' | 'validate';
  rootCauseLine?: number;
}
/**
 * The generic checks of a line against its layout: cell count, required cells, typed cells.
 * `total` is the number of cells as written (trailing empty cells included).
 */
export function validate(L: RecordLayout, vals: string[], total: number): Fault | null {
  const len = vals.length;
  if (L.missingRequired.length > 0) {
    const name = L.missingRequired[0] as string;
    return {
      stage: 'validate',
      errorClass: 'MISSING_REQUIRED_CELL',
      cell: name,
      message: `${L.written} has no ${name} cell: the file's #${L.written} heading does not name it, and ${name} is required`,
    };
  }
  if (len > L.width && !L.open) {
    for (let i = L.width; i < len; i++) {
      const v = vals[i] as string;
      if (v !== '' && v.trim() !== '') {
        return {
          stage: 'parse',
          errorClass: 'WRONG_CELL_COUNT',
          cell: `Cell${i + 1}`,
          message:
            `${L.written} has ${total} cells but ${L.width} are defined${L.source === 'heading' ? ' by its heading' : ''}; ` +
            `cell ${i + 1} holds ${q(v)} where no cell is defined (a TAB inside a value must be escaped as \\<TAB>)`,
        };
      }
    }
  }
  const required = L.required;
  for (let k = 0; k < required.length; k++) {
    const r = required[k] as number;
    if (r >= total) {
      return {
        stage: 'parse',
        errorClass: 'WRONG_CELL_COUNT',
        cell: L.names[r] as string,
        message: `${L.written} has only ${total} cells; the required cell ${L.names[r]} is cell ${r + 1} of ${L.width}`,
      };
    }
    const v = r < len ? (vals[r] as string) : '';
    if (v === '' || v.trim() === '') {
      return {
        stage: 'validate',
        errorClass: 'MISSING_REQUIRED_CELL',
        cell: L.names[r] as string,
        message: `${L.written} cell ${r + 1} (${L.names[r]}) is empty; it is required`,
      };
    }
  }
  const typed = L.typed;
  for (let k = 0; k < typed.length; k++) {
    const t = typed[k] as number;
    if (t >= len) break;
    const v = vals[t] as string;
    if (v === '') continue;
    const f = checkKind(L, t, v);
    if (f !== null) return f;
  }
  return null;
}

function checkKind(L: RecordLayout, t: number, value: string): Fault | null {
  if (value.indexOf('|') === -1) return checkValue(L, t, value.trim());
  for (const v of splitMultiValue(value)) {
    const f = checkValue(L, t, v.trim());
    if (f !== null) return f;
  }
  return null;
}

/** Checks one (trimmed) value of a typed cell. */
export function checkValue(L: RecordLayout, t: number, v: string): Fault | null {
  if (v === '') return null;
  const name = L.names[t] as string;
  switch (L.kinds[t]) {
    case 'int':
      return isInteger(v)
        ? null
        : invalid('INVALID_NUMBER', name, `${where(L, t)} is ${q(v)}; expected a whole number`);
    case 'count':
      return !Number.isNaN(parseCount(v))
        ? null
        : invalid(
            'INVALID_NUMBER',
            name,
            `${where(L, t)} is ${q(v)}; expected a number of usages such as 120 (digits, '.' before a decimal part)`,
          );
    case 'decimal': {
      if (isDecimal(v)) return null;
      const hint = v.includes(',') ? " (the decimal separator must be '.', with no thousands separator)" : '';
      return invalid(
        'INVALID_NUMBER',
        name,
        `${where(L, t)} is ${q(v)}; expected a decimal number such as 5000.00${hint}`,
      );
    }
    case 'bool':
      return parseBool(v) !== null
        ? null
        : invalid('INVALID_BOOLEAN', name, `${where(L, t)} is ${q(v)}; expected TRUE or FALSE`);
    case 'date':
      return parseIsoDate(v) !== null
        ? null
        : invalid(
            'INVALID_DATE',
            name,
            `${where(L, t)} is ${q(v)}; expected a real date as YYYY-MM-DD (or YYYYMMDD)`,
          );
    case 'datetime':
      return parseDateTime(v) !== null
        ? null
        : invalid(
            'INVALID_DATE',
            name,
            `${where(L, t)} is ${q(v)}; expected a date-time as YYYY-MM-DDThh:mm:ssZ`,
          );
    case 'duration':
      return parseDurationSeconds(v) !== null
        ? null
        : invalid(
            'INVALID_DURATION',
            name,
            `${where(L, t)} is ${q(v)}; expected an ISO 8601 duration such as PT3M20S or PT200S`,
          );
    case 'isrc': {
      const r = normaliseIsrc(v);
      return r.ok ? null : invalid('INVALID_ISRC', name, `${where(L, t)}: ${r.reason}`);
    }
    case 'iswc': {
      const r = normaliseIswc(v);
      return r.ok ? null : invalid('INVALID_ISWC', name, `${where(L, t)}: ${r.reason}`);
    }
    default:
      return null;
  }
}

function where(L: RecordLayout, t: number): string {
  return `${L.written} cell ${t + 1} (${L.names[t]})`;
}

function invalid(errorClass: DsrErrorClass, cellName: string, message: string): Fault {
  return { stage: 'validate', errorClass, cell: cellName, message };
}

export function noBlock(L: RecordLayout): Fault {
  return {
    stage: 'validate',
    errorClass: 'MISSING_REQUIRED_CELL',
    cell: 'BlockId',
    message: `${L.written} has no BlockId`,
  };
}
