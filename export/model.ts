// What the export computes from: each usage line reduced to the facts that carry money,
// each match to its work and rights holders. Interned so a million lines stay small.
import type { MatchMethod } from '../core/schemas/types.ts';

export interface SummaryFacts {
  /** `<fileId>#<SummaryRecordId or summary line number>` */
  key: string;
  fileId: string;
  summaryRecordId: string;
  recordType: string;
  commercialModel: string | null;
  useType: string | null;
  territory: string | null;
  currency: string | null;
  /** decimal text, exact */
  netRevenue: string | null;
  totalUsages: number | null;
}

export interface LineFacts {
  lineId: string;
  fileId: string;
  lineNumber: number;
  sender: string;
  format: 'DSR' | 'CSV';
  usages: number;
  territory: string | null;
  commercialModel: string | null;
  useType: string | null;
  currency: string | null;
  /** decimal text: a unit price on DSR lines, the line's revenue on CSV rows */
  price: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  summary: SummaryFacts | null;
}

export type HolderKind = 'PUBLISHER' | 'SOCIETY';

export interface HolderShare {
  /** `PUB-<IPI or name>` or `SOC-<society>`: also the API key's sender that may see it */
  id: string;
  name: string;
  kind: HolderKind;
  basisPoints: number;
}

export interface MatchFacts {
  lineId: string;
  partIndex: number;
  partCount: number;
  workId: string;
  iswc: string | null;
  method: MatchMethod;
  rematch: boolean;
  /** the work's holders with their shares, merged by holder id, sorted */
  holders: readonly HolderShare[];
  /** which emission wins on duplicates: re-matches, then the later one */
  order: [number, number, number, number];
}

export interface ExportInput {
  lines: Map<string, LineFacts>;
  /** by lineId, one entry per part */
  matched: Map<string, MatchFacts[]>;
  unmatched: Set<string>;
  /** line ids dead-lettered at match and neither matched nor unmatched since, by file */
  deadAtMatch: Map<string, Set<string>>;
}

export const UNALLOCATED = 'UNALLOCATED';
