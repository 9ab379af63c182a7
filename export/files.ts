// The bytes of the export's files. Everything here is a function of the model alone (no
// clock, no host), so the same input gives byte-identical files.
import { formatMinor } from './money.ts';
import { cmp } from './sort.ts';
import type { Claim, ClaimDetail, ClaimSummary } from './claim-rows.ts';
import type { ExportModel } from './compute.ts';
import type { Statement } from './statement-rows.ts';

export interface ExportFile {
  /** relative to the outbox: `<period>/statements/<holder>.csv`, `<period>/claims/<sender>_<fileId>.tsv` */
  path: string;
  kind: 'STATEMENT' | 'CLAIM';
  rightsHolderId: string | null;
  reportFileId: string | null;
  /** the sender of the report a claim answers */
  sender: string | null;
  content: string;
  rows: number;
  totals: { currency: string; usages: number; amount: string }[];
}

const csvCell = (v: string | number) => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};
const percent = (bp: number) => (bp / 100).toFixed(2);
const tsvCell = (v: string | number) => String(v).replace(/[\t\r\n]/g, ' ');

export const STATEMENT_COLUMNS = [
  'rights_holder_id',
  'rights_holder_name',
  'period',
  'work_id',
  'iswc',
  'territory',
  'commercial_model',
  'use_type',
  'match_method',
  'share_percent',
  'usages',
  'amount',
  'currency',
] as const;

function totalsOf(rows: { currency: string; usages: number; amount: bigint }[]) {
  const by = new Map<string, { usages: number; amount: bigint }>();
  for (const r of rows) {
    const t = by.get(r.currency) ?? { usages: 0, amount: 0n };
    t.usages += r.usages;
    t.amount += r.amount;
    by.set(r.currency, t);
  }
  return [...by.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([currency, t]) => ({ currency, usages: t.usages, amount: formatMinor(t.amount, currency) }));
}

/** A statement CSV: one row per work, territory, model, use type, method; a TOTAL row per currency. */
export function statementFile(s: Statement): ExportFile {
  const out = [STATEMENT_COLUMNS.join(',')];
  for (const r of s.rows) {
    out.push(
      [
        s.holderId,
        s.holderName,
        s.period,
        r.workId,
        r.iswc,
        r.territory,
        r.commercialModel,
        r.useType,
        r.method,
        percent(r.shareBasisPoints),
        r.usages,
        formatMinor(r.amount, r.currency),
        r.currency,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  const totals = totalsOf(s.rows);
  for (const t of totals) {
    out.push(
      ['TOTAL', s.holderName, s.period, '', '', '', '', '', '', '', t.usages, t.amount, t.currency]
        .map(csvCell)
        .join(','),
    );
  }
  return {
    path: `${s.period}/statements/${s.holderId}.csv`,
    kind: 'STATEMENT',
    rightsHolderId: s.holderId,
    reportFileId: null,
    sender: null,
    content: `${out.join('\n')}\n`,
    rows: s.rows.length,
    totals,
  };
}

/** The claim's record types with their `#` heading lines, as in DSR. */
const CLAIM_HEADINGS = {
  CDMH: [
    'MessageVersion',
    'MessageId',
    'MessageCreatedDate',
    'SenderPartyId',
    'RecipientPartyId',
    'UsageStartDate',
    'UsageEndDate',
    'DsrFileId',
  ],
  CS01: [
    'SummaryRecordId',
    'CommercialModel',
    'UseType',
    'Territory',
    'Currency',
    'ReportedUsages',
    'ReportedNetRevenue',
    'ClaimedUsages',
    'ClaimedAmount',
  ],
  CD01: [
    'SummaryRecordId',
    'WorkId',
    'ISWC',
    'MatchMethod',
    'ClaimedSharePercent',
    'Usages',
    'ClaimedAmount',
    'Currency',
  ],
} as const;

const tsvRow = (...cells: (string | number)[]) => cells.map(tsvCell).join('\t');

/** The claim's header record. */
function cdmhRecord(c: Claim, recipient: string): string {
  return tsvRow(
    'CDMH',
    'cdm/1.0-tallyline-subset',
    // A short id (docs/export.md); the whole fileId is the DsrFileId cell.
    `TL-${c.period}-${c.fileId.slice(0, 16)}`,
    c.usageEnd,
    recipient,
    c.sender,
    c.usageStart,
    c.usageEnd,
    c.fileId,
  );
}

/** A summary record claimed against. */
function cs01Record(s: ClaimSummary): string {
  return tsvRow(
    'CS01',
    s.summaryRecordId,
    s.commercialModel,
    s.useType,
    s.territory,
    s.currency,
    s.reportedUsages ?? '',
    s.reportedRevenue === null ? '' : formatMinor(s.reportedRevenue, s.currency),
    s.claimedUsages,
    formatMinor(s.claimedAmount, s.currency),
  );
}

/** A work claimed within a summary record. */
function cd01Record(s: ClaimSummary, d: ClaimDetail): string {
  return tsvRow(
    'CD01',
    s.summaryRecordId,
    d.workId,
    d.iswc,
    d.method,
    percent(d.shareBasisPoints),
    d.usages,
    formatMinor(d.amount, s.currency),
    s.currency,
  );
}

/**
 * A claim to the sender of one report, modelled on DDEX CDM as a tab-separated flat file
 * (a subset; docs/export.md): a CDMH header, a CS01 per summary record claimed against,
 * a CD01 per work claimed within it. Each record type has its `#` heading line, as in DSR.
 */
export function claimFile(c: Claim, recipient = 'TALLYLINE'): ExportFile {
  const out = [
    tsvRow('#CDMH', ...CLAIM_HEADINGS.CDMH),
    cdmhRecord(c, recipient),
    tsvRow('#CS01', ...CLAIM_HEADINGS.CS01),
    tsvRow('#CD01', ...CLAIM_HEADINGS.CD01),
  ];
  const totals: { currency: string; usages: number; amount: bigint }[] = [];
  let rows = 0;
  for (const s of c.summaries) {
    out.push(cs01Record(s));
    for (const d of s.details) {
      out.push(cd01Record(s, d));
      rows++;
    }
    totals.push({ currency: s.currency, usages: s.claimedUsages, amount: s.claimedAmount });
  }
  return {
    path: `${c.period}/claims/${c.sender.replace(/[^A-Za-z0-9._-]/g, '_')}_${c.fileId}.tsv`,
    kind: 'CLAIM',
    rightsHolderId: null,
    reportFileId: c.fileId,
    sender: c.sender,
    content: `${out.join('\n')}\n`,
    rows,
    totals: totalsOf(totals),
  };
}

export function exportFiles(model: ExportModel): ExportFile[] {
  return [...model.statements.map(statementFile), ...model.claims.map((c) => claimFile(c))];
}
