import { TallylineError, type ErrorKind } from '../core/errors/index.ts';

// The export's coded errors: a period, amount or legacy file it cannot take, or a period
// another export holds.
export type ExportErrorCode =
  | 'BAD_PERIOD'
  | 'PERIOD_ALREADY_EXPORTED'
  | 'EXPORT_LOCKED'
  | 'BAD_DECIMAL'
  | 'BAD_LEGACY_CELL'
  | 'CURRENCY_NEEDED';

export class ExportError extends TallylineError<ExportErrorCode> {
  static override readonly kinds: Record<ExportErrorCode, ErrorKind> = {
    BAD_PERIOD: 'invalid',
    // asked for the wrong period: the message names the one to export instead
    PERIOD_ALREADY_EXPORTED: 'invalid',
    EXPORT_LOCKED: 'conflict',
    BAD_DECIMAL: 'unprocessable',
    BAD_LEGACY_CELL: 'invalid',
    CURRENCY_NEEDED: 'invalid',
  };
}
