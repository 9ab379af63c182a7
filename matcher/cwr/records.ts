// Reading the fields of a fixed-width CWR record through its layout (layouts.ts): each
// field's text checked by its kind, a record's fields into a CwrRecord.

import { isDigits } from '../../core/values/index.ts';

export type CwrVersion = '2.1' | '2.2';

/**
 * How a field's text is read:
 * - `text`: trimmed, empty → null;
 * - `numeric`: digits only (blank → null), anything else is a malformed field;
 * - `share`: 5 digits with 2 implied decimals, `03750` = 37.50 % = 3750 basis points
 *   (blank → 0); more than 100.00 % is malformed;
 * - `date`: YYYYMMDD (blank or zeros → null), must be a calendar date;
 * - `time`: HHMMSS (blank → null), digits with minutes and seconds below 60.
 */
export type FieldKind = 'text' | 'numeric' | 'share' | 'date' | 'time';

export interface FieldDef {
  readonly name: string;
  /** first column, 1-based */
  readonly start: number;
  readonly length: number;
  readonly kind: FieldKind;
  /** present only from this CWR version on */
  readonly since?: CwrVersion;
}

export interface RecordLayout {
  readonly recordType: string;
  readonly description: string;
  readonly fields: readonly FieldDef[];
}

// The test and index.ts read the layouts from here too.
export { LAYOUTS, layoutOf } from './layouts.ts';

export interface FieldError {
  field: string;
  reason: string;
}

export type FieldValue = string | number | null;

function columns(def: FieldDef): string {
  return def.length === 1 ? `column ${def.start}` : `columns ${def.start}-${def.start + def.length - 1}`;
}

/** The raw text of a field; a line shorter than the layout reads as blanks (trailing spaces are often trimmed). */
export function rawField(line: string, def: FieldDef): string {
  return line.slice(def.start - 1, def.start - 1 + def.length);
}

function fail(recordType: string, def: FieldDef, raw: string, what: string): FieldError {
  return {
    field: def.name,
    reason: `${recordType} field ${def.name} (${columns(def)}) ${JSON.stringify(raw)} ${what}`,
  };
}

/** Reads one field according to its kind. */
export function readField(line: string, recordType: string, def: FieldDef): FieldValue | FieldError {
  const raw = rawField(line, def);
  const trimmed = raw.trim();
  switch (def.kind) {
    case 'text':
      return trimmed.length === 0 ? null : trimmed;
    case 'numeric':
      if (trimmed.length === 0) return null;
      if (!isDigits(trimmed)) return fail(recordType, def, raw, 'is not numeric');
      return trimmed;
    case 'share': {
      if (trimmed.length === 0) return 0;
      if (!isDigits(trimmed)) {
        return fail(
          recordType,
          def,
          raw,
          'is not a share (5 digits with 2 implied decimals, e.g. 03750 = 37.50 %)',
        );
      }
      const value = Number(trimmed);
      if (value > 10000)
        return fail(recordType, def, raw, `is ${(value / 100).toFixed(2)} %, more than 100 %`);
      return value;
    }
    case 'date': {
      if (trimmed.length === 0 || /^0+$/.test(trimmed)) return null;
      if (trimmed.length !== 8 || !isDigits(trimmed))
        return fail(recordType, def, raw, 'is not a date (YYYYMMDD)');
      const y = Number(trimmed.slice(0, 4));
      const m = Number(trimmed.slice(4, 6));
      const d = Number(trimmed.slice(6, 8));
      const date = new Date(Date.UTC(y, m - 1, d));
      if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
        return fail(recordType, def, raw, 'is not a calendar date (YYYYMMDD)');
      }
      return trimmed;
    }
    case 'time': {
      if (trimmed.length === 0) return null;
      if (trimmed.length !== 6 || !isDigits(trimmed))
        return fail(recordType, def, raw, 'is not a time (HHMMSS)');
      if (Number(trimmed.slice(2, 4)) > 59 || Number(trimmed.slice(4, 6)) > 59) {
        return fail(recordType, def, raw, 'is not a time (HHMMSS, minutes and seconds below 60)');
      }
      return trimmed;
    }
  }
}

export function isFieldError(v: FieldValue | FieldError): v is FieldError {
  return v !== null && typeof v === 'object';
}

/** The fields of a record type that a file of this version carries. */
export function fieldsFor(layoutDef: RecordLayout, version: CwrVersion): FieldDef[] {
  return layoutDef.fields.filter((d) => d.since === undefined || d.since === '2.1' || version === '2.2');
}

/** One record read through its layout. Accessors throw on a field name the layout lacks (a programming error). */
export class CwrRecord {
  constructor(
    readonly recordType: string,
    readonly lineNumber: number,
    readonly text: string,
    private readonly values: ReadonlyMap<string, FieldValue>,
  ) {}

  private get(name: string): FieldValue {
    if (!this.values.has(name)) throw new Error(`${this.recordType} has no field ${name}`);
    return this.values.get(name) ?? null;
  }

  /** Text, numeric, date or time field: trimmed text, null when blank. */
  str(name: string): string | null {
    const v = this.get(name);
    return v === null ? null : String(v);
  }

  /** Numeric field as a number, null when blank. */
  int(name: string): number | null {
    const v = this.get(name);
    return v === null ? null : Number(v);
  }

  /** Share field in basis points (10000 = 100 %). */
  share(name: string): number {
    const v = this.get(name);
    return typeof v === 'number' ? v : 0;
  }
}

/** Reads a record through the layout of its type; the first malformed field is an error. */
export function parseRecord(
  line: string,
  lineNumber: number,
  layoutDef: RecordLayout,
  version: CwrVersion,
): { ok: true; record: CwrRecord } | ({ ok: false } & FieldError) {
  const values = new Map<string, FieldValue>();
  for (const def of fieldsFor(layoutDef, version)) {
    const v = readField(line, layoutDef.recordType, def);
    if (isFieldError(v)) return { ok: false, ...v };
    values.set(def.name, v);
  }
  return { ok: true, record: new CwrRecord(layoutDef.recordType, lineNumber, line, values) };
}
