import { cumulativeAmount, parseDecimal, scaleTo, minorDigits, toMinor } from './money.ts';
import type { LineFacts, SummaryFacts } from './input.ts';

/** What a report's summary record says, against what its lines were valued at. */
export interface SummaryValue {
  summary: SummaryFacts;
  currency: string | null;
  /** the net revenue in minor units; null when the summary carries none */
  total: bigint | null;
  /** the sum of the values of the lines we have */
  valued: bigint;
  /** usages of the lines we have */
  usages: number;
  /** the summary's first line we have, in file order: its period carries what is not valued */
  firstLineId: string;
}

export interface FileValuation {
  /** line id → value in minor units of the line's currency */
  values: Map<string, bigint>;
  summaries: SummaryValue[];
  /** lines whose value could not be determined, with the reason */
  unvaluable: { lineId: string; reason: string }[];
}

const currencyOf = (l: LineFacts) => l.summary?.currency ?? l.currency;

/**
 * Values every line of one report. A line under a summary record with a net revenue R and
 * U usages (the summary's TotalUsages, or the lines' own sum where that is larger) is worth
 * round(R·C/U) − round(R·C'/U), C and C' the summary's cumulative usages up to and
 * including the line and up to the line before it, in file order: the values telescope, so
 * a complete summary's lines add up to R exactly; lines that never arrived (dead letters)
 * leave their part of R visibly unvalued. A line without such a summary is valued from its
 * price cell: unit price × usages on DSR lines, the revenue cell itself on CSV rows.
 */
export function valueFile(lines: readonly LineFacts[]): FileValuation {
  const ordered = [...lines].sort((a, b) => a.lineNumber - b.lineNumber);
  const values = new Map<string, bigint>();
  const unvaluable: FileValuation['unvaluable'] = [];
  const bySummary = new Map<string, { summary: SummaryFacts; lines: LineFacts[] }>();
  for (const line of ordered) {
    const s = line.summary;
    if (s?.netRevenue != null) {
      let group = bySummary.get(s.key);
      if (!group) bySummary.set(s.key, (group = { summary: s, lines: [] }));
      group.lines.push(line);
      continue;
    }
    if (line.price == null) {
      unvaluable.push({ lineId: line.lineId, reason: 'no summary net revenue and no price cell' });
      continue;
    }
    try {
      const price = parseDecimal(line.price);
      const digits = minorDigits(currencyOf(line));
      values.set(
        line.lineId,
        line.format === 'DSR' ? scaleTo(price, digits, BigInt(line.usages)) : scaleTo(price, digits),
      );
    } catch {
      unvaluable.push({
        lineId: line.lineId,
        reason: `price cell ${JSON.stringify(line.price)} is not a decimal`,
      });
    }
  }
  const summaries: SummaryValue[] = [];
  for (const { summary, lines: group } of [...bySummary.values()].sort((a, b) =>
    a.summary.key < b.summary.key ? -1 : 1,
  )) {
    let total: bigint;
    try {
      total = toMinor(summary.netRevenue!, summary.currency);
    } catch {
      for (const l of group)
        unvaluable.push({
          lineId: l.lineId,
          reason: `summary ${summary.summaryRecordId} net revenue is not a decimal`,
        });
      continue;
    }
    const present = group.reduce((n, l) => n + BigInt(l.usages), 0n);
    const declared = BigInt(summary.totalUsages ?? 0);
    const usages = declared > present ? declared : present;
    let cumulative = 0n;
    let before = 0n;
    let valued = 0n;
    for (const l of group) {
      cumulative += BigInt(l.usages);
      const upTo = cumulativeAmount(total, cumulative, usages);
      values.set(l.lineId, upTo - before);
      valued += upTo - before;
      before = upTo;
    }
    summaries.push({
      summary,
      currency: summary.currency,
      total,
      valued,
      usages: Number(present),
      firstLineId: group[0]!.lineId,
    });
  }
  return { values, summaries, unvaluable };
}
