import type { OutgoingMessage } from '../kafka/index.ts';

// The wire format of export.accounts: at each export run of a period, each report's
// accounting as JSON (key `<period>/<fileId>`), where its lines and its money went. The
// ledger keeps the latest per report and period (file_accounts), which `reconcile` reads.

export interface ReportAccount {
  fileId: string;
  sender: string;
  lines: number;
  matchedLines: number;
  unmatchedLines: number;
  pendingLines: number;
  deadAtMatch: number;
  /** per currency, decimal text: reported = allocated + unallocated + unmatched + pending + notValued + gap */
  money: {
    currency: string;
    reported: string;
    allocated: string;
    unallocated: string;
    unmatched: string;
    pending: string;
    notValued: string;
    gap: string;
  }[];
}

export interface AccountRecord extends ReportAccount {
  period: string;
  at: string;
}

export function accountMessage(period: string, account: ReportAccount, at: Date): OutgoingMessage {
  const record: AccountRecord = { period, at: at.toISOString(), ...account };
  return { key: `${period}/${account.fileId}`, value: JSON.stringify(record) };
}

/** An export.accounts record, or null for one that is not ours. */
export function parseAccount(value: Buffer | null): AccountRecord | null {
  if (!value) return null;
  try {
    const r = JSON.parse(value.toString('utf8')) as AccountRecord;
    return typeof r.period === 'string' && typeof r.fileId === 'string' && Array.isArray(r.money) ? r : null;
  } catch {
    return null;
  }
}
