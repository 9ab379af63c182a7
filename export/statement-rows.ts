// The statements' rows: per rights holder, one row per work, territory, commercial model,
// use type, currency, match method and share; what no known holder holds goes to UNALLOCATED.
import type { MatchMethod } from '../core/schemas/index.ts';
import type { LineFacts, MatchFacts } from './input.ts';
import type { SharesSplit } from './money.ts';
import { byKey, cmp } from './sort.ts';

export interface StatementRow {
  workId: string;
  iswc: string;
  territory: string;
  commercialModel: string;
  useType: string;
  method: MatchMethod | '';
  currency: string;
  /** the holder's share of the work, basis points */
  shareBasisPoints: number;
  usages: number;
  amount: bigint;
}

export interface Statement {
  holderId: string;
  holderName: string;
  period: string;
  rows: StatementRow[];
}

export const UNALLOCATED = 'UNALLOCATED';

type RowBase = Omit<StatementRow, 'usages' | 'amount' | 'shareBasisPoints'>;

/** The rows of every holder's statement of one period, as the reports' lines are counted. */
export class StatementRows {
  private readonly holders = new Map<string, { name: string; rows: Map<string, StatementRow[]> }>();

  /**
   * One part of a matched line: a row for each of the work's holders with its share of the
   * part's value, and an UNALLOCATED row for the rest when the shares fall short of 100 %.
   */
  addPart(
    line: LineFacts,
    part: MatchFacts,
    currency: string,
    usages: number,
    split: SharesSplit,
    claimedBasisPoints: number,
  ): void {
    const base: RowBase = {
      workId: part.workId,
      iswc: part.iswc ?? '',
      territory: line.territory ?? line.summary?.territory ?? '',
      commercialModel: line.commercialModel ?? line.summary?.commercialModel ?? '',
      useType: line.useType ?? line.summary?.useType ?? '',
      method: part.method,
      currency,
    };
    const baseKey = `${base.workId}\t${base.territory}\t${base.commercialModel}\t${base.useType}\t${currency}\t${part.method}`;
    part.holders.forEach((h, i) =>
      this.add(h.id, h.name, baseKey, base, h.basisPoints, usages, split.parts[i]!),
    );
    if (split.unallocated !== 0n || claimedBasisPoints < 10000) {
      this.add(
        UNALLOCATED,
        'shares not held by a known rights holder',
        baseKey,
        base,
        10000 - claimedBasisPoints,
        usages,
        split.unallocated,
      );
    }
  }

  private add(
    holderId: string,
    holderName: string,
    baseKey: string,
    base: RowBase,
    shareBasisPoints: number,
    usages: number,
    amount: bigint,
  ): void {
    let s = this.holders.get(holderId);
    if (!s) this.holders.set(holderId, (s = { name: holderName, rows: new Map() }));
    // One string per part as the key (its hash is computed once), the share searched in a
    // short list: this runs once per holder per matched line.
    let rows = s.rows.get(baseKey);
    if (!rows) s.rows.set(baseKey, (rows = []));
    const row = rows.find((r) => r.shareBasisPoints === shareBasisPoints);
    if (row) {
      row.usages += usages;
      row.amount += amount;
    } else rows.push({ ...base, shareBasisPoints, usages, amount });
  }

  /** by holder id; rows by work, territory, model, use type, currency, method, then share */
  statements(period: string): Statement[] {
    return [...this.holders.entries()]
      .sort(([a], [b]) => cmp(a, b))
      .map(([holderId, s]) => ({
        holderId,
        holderName: s.name,
        period,
        rows: byKey(s.rows).flatMap((rows) =>
          [...rows].sort((x, y) => x.shareBasisPoints - y.shareBasisPoints),
        ),
      }));
  }
}
