// What the export computes from: each usage line reduced to the facts that carry money,
// each match to its work and rights holders. Interned so a million lines stay small.
import type { MatchMethod, Summary, UsageLine } from '../core/schemas/index.ts';

/** A summary record as the export needs it: the schema's fields, with its key. */
export interface SummaryFacts extends Omit<Summary, 'summaryRecordId' | 'lineNumber'> {
  /** `<fileId>#<SummaryRecordId or summary line number>` */
  key: string;
  fileId: string;
  /** the SummaryRecordId, else `L<summary line number>` */
  summaryRecordId: string;
}

/** A usage line reduced to what carries money; `price` is the schema's priceConsumerPaid. */
export interface LineFacts extends Pick<
  UsageLine,
  | 'lineId'
  | 'fileId'
  | 'lineNumber'
  | 'sender'
  | 'format'
  | 'usages'
  | 'territory'
  | 'commercialModel'
  | 'useType'
  | 'currency'
  | 'periodStart'
  | 'periodEnd'
> {
  /** decimal text: a unit price on DSR lines, the line's revenue on CSV rows */
  price: string | null;
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

/** A match as the export needs it (the line id is the key of `ExportInput.matched`). */
export interface MatchFacts {
  partIndex: number;
  partCount: number;
  workId: string;
  iswc: string | null;
  method: MatchMethod;
  /** the work's holders with their shares, merged by holder id, sorted */
  holders: readonly HolderShare[];
  /** which emission wins on duplicates: re-matches (a 1 first), then the later one */
  order: [number, number, number, number];
}

export interface ExportInput {
  lines: Map<string, LineFacts>;
  /**
   * by lineId, one entry per emission of a part (`partsOf`); a line emitted once as one part,
   * the usual case, holds its match without an array around it
   */
  matched: Map<string, MatchFacts | MatchFacts[]>;
  unmatched: Set<string>;
  /** line ids dead-lettered at match and neither matched nor unmatched since, by file */
  deadAtMatch: Map<string, Set<string>>;
}

/** The emissions of a line's parts, as a list. */
export function partsOf(entry: MatchFacts | readonly MatchFacts[] | undefined): readonly MatchFacts[] {
  return entry === undefined ? [] : Array.isArray(entry) ? entry : [entry as MatchFacts];
}
