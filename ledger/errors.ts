import { TallylineError, type ErrorKind } from '../core/errors/index.ts';

// The ledger's coded errors.
export type LedgerErrorCode = 'LEDGER_BEHIND' | 'LEDGER_BUSY' | 'LEDGER_DIFFERS';

export class LedgerError extends TallylineError<LedgerErrorCode> {
  static override readonly kinds: Record<LedgerErrorCode, ErrorKind> = {
    /** the running ledger consumer did not catch up in time: Kafka or PostgreSQL is slow or down */
    LEDGER_BEHIND: 'unavailable',
    /** another ledger consumer holds the schema (a rebuild cannot replace a ledger in use) */
    LEDGER_BUSY: 'conflict',
    /** a rebuilt ledger is not the live one */
    LEDGER_DIFFERS: 'failed',
  };
}
