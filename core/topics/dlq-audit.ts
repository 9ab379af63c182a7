import type { OutgoingMessage } from '../kafka/index.ts';

// The wire format of dlq.audit: JSON records saying who did what to which dead letters (key:
// the file, or `*` for actions across files). The ledger derives the dead-letter work list's
// states from the `settled` entries, so a record is the whole truth of its action.

export type AuditAction = 'replay' | 'correction' | 'purge' | 'request';

/** The state an action left a dead line in, and the dead-letter record it was set for. */
export interface Settlement {
  lineId: string;
  fileId: string;
  state: 'open' | 'requested' | 'resolved' | 'replayed' | 'parked' | 'purged';
  /** `<partition>:<offset>` of the record acted on; a newer record of the line reopens it */
  marker: string;
  /** the action's result for the line, e.g. `resolved`, `failed-again` */
  result: string;
  /** the corrected line went to usage.lines (a usage line the split had dead-lettered) */
  emitted?: boolean;
}

export interface AuditRecord {
  action: AuditAction;
  at: string;
  /** a person (TALLYLINE_USER, else the OS user) or `sender:<id>` for a sender's correction */
  by: string;
  /** the replay run or correction file the action belongs to */
  runId?: string;
  /** the filter or file the action was asked for */
  scope: Record<string, unknown>;
  lineIds: string[];
  /** what happened, e.g. counts by outcome */
  result: Record<string, unknown>;
  /** per line, the state the action left it in (records before the ledger have none) */
  settled?: Settlement[];
}

/** An audit record as a message, for a caller that sends it in its own transaction. */
export function auditMessage(record: Omit<AuditRecord, 'at'>, key = '*'): OutgoingMessage {
  return { key, value: JSON.stringify({ ...record, at: new Date().toISOString() }) };
}

/** A dlq.audit record, or null for one that is not ours. */
export function parseAudit(value: Buffer | null): AuditRecord | null {
  if (!value) return null;
  try {
    const r = JSON.parse(value.toString('utf8')) as AuditRecord;
    return typeof r === 'object' && r !== null && typeof r.action === 'string' && Array.isArray(r.lineIds)
      ? r
      : null;
  } catch {
    return null;
  }
}
