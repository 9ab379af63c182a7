// SU01, SU02, SU03: usage records, each the event of one line (the hot path).
import type { Summary } from '../../../core/schemas/index.ts';
import {
  hasFraction,
  parseBool,
  parseCount,
  parseIsoDate,
  quoteValue as q,
} from '../../../core/values/index.ts';
import type { DsrFileState, Compiled, SummaryEntry } from '../parser-state.ts';
import type { Block } from '../block.ts';
import { key, listFirst, orNull, pos } from '../layout-cells.ts';
import type { RecordLayout } from '../record-types.ts';
import type { DeadOutcome, InputLine, LineOutcome, UsageOutcome } from '../types.ts';
import { validate } from '../validate.ts';
import { linkedResources, orphan, ugcResources } from './usage-context.ts';

/** Positions of the cells a usage record is built from, per layout. */
export interface UsageCells {
  block: number;
  summary: number;
  tx: number;
  rel: number;
  res: number;
  dsp: number;
  royalty: number;
  count: number;
  price: number;
  useType: number;
  start: number;
  end: number;
  /** positions whose non-empty values go to `extra` */
  extra: number[];
}

export function usageLine(
  s: DsrFileState,
  line: InputLine,
  c: Compiled,
  raw: string[],
  vals: string[],
): LineOutcome {
  const L = c.layout;
  const u = c.usage as UsageCells;
  const n = line.lineNumber;
  const blockId = key(vals, u.block);
  if (blockId !== '') s.enterBlock(blockId, n);
  const fault = validate(L, vals, s.total);
  if (fault !== null) return s.dead(line, L.written, fault);
  if (s.total < L.width) s.noteShort(n, L, vals);
  const b = s.block as Block;

  // summary context
  let summary: Summary | null = null;
  let service: string | null = null;
  const summaryId = key(vals, u.summary);
  if (summaryId !== '') {
    const entry = usageSummary(s, line, L, u, summaryId);
    if ('kind' in entry) return entry;
    summary = entry.summary;
    service = entry.serviceDescription;
  }

  // release and resource context
  const found =
    u.dsp >= 0 && u.res < 0 && u.rel < 0
      ? // UGC (SU03): the line names the UGC resource by its DSP id; the block describes it.
        ugcResources(s, line, L, u, vals, b)
      : linkedResources(s, line, L, u, vals, b);
  if ('kind' in found) return found;
  const resources = found.resources;
  const release = found.release;

  // the usage itself
  const value = s.usage.start(n, L.written, resources, release, summary);
  const countText = key(vals, u.count);
  const extra = value.extra;
  const ex = u.extra;
  for (let k = 0; k < ex.length; k++) {
    const i = ex[k] as number;
    if (i >= vals.length) break;
    const v = vals[i] as string;
    if (v !== '') extra[L.canonical[i] as string] = v;
  }
  if (hasFraction(countText)) extra[L.canonical[u.count] as string] = countText;
  if (service !== null) extra['summary.ServiceDescription'] = service;
  const royalty = key(vals, u.royalty);
  const start = key(vals, u.start);
  const end = key(vals, u.end);
  value.salesTransactionId = orNull(key(vals, u.tx));
  value.usages = parseCount(countText);
  value.useType = orNull(key(vals, u.useType)) ?? summary?.useType ?? null;
  value.commercialModel = summary?.commercialModel ?? null;
  value.territory = summary?.territory ?? null;
  value.periodStart = start !== '' ? parseIsoDate(start) : s.periodStart;
  value.periodEnd = end !== '' ? parseIsoDate(end) : s.periodEnd;
  value.isRoyaltyBearing = royalty === '' ? null : parseBool(royalty);
  value.priceConsumerPaid = orNull(key(vals, u.price));
  value.currency = summary?.currency ?? null;
  s.counts.emitted++;
  const out: UsageOutcome = {
    kind: 'usage',
    lineNumber: n,
    value,
    bytes: line.bytes,
    byteOffset: line.byteOffset,
  };
  return out;
}

export function usageCells(L: RecordLayout): UsageCells {
  const u: UsageCells = {
    block: pos(L, 'BlockId'),
    summary: pos(L, 'SummaryRecordId'),
    tx: pos(L, 'SalesTransactionId'),
    rel: pos(L, 'TransactedRelease'),
    res: pos(L, 'TransactedResource'),
    dsp: pos(L, 'DspResourceId') >= 0 ? pos(L, 'DspResourceId') : pos(L, 'DspReleaseId'),
    royalty: pos(L, 'IsRoyaltyBearing'),
    count: L.countCell,
    price: pos(L, 'PriceConsumerPaidExcSalesTax'),
    useType: pos(L, 'UseType'),
    start: pos(L, 'ValidityPeriodStart'),
    end: pos(L, 'ValidityPeriodEnd'),
    extra: [],
  };
  const consumed = new Set([
    u.summary,
    u.tx,
    u.rel,
    u.res,
    u.royalty,
    u.count,
    u.price,
    u.useType,
    u.start,
    u.end,
  ]);
  for (let i = 1; i < L.width; i++) if (!consumed.has(i)) u.extra.push(i);
  return u;
}

/** The summary record a usage line names by SummaryRecordId, or its dead letter. */
function usageSummary(
  s: DsrFileState,
  line: InputLine,
  L: RecordLayout,
  u: UsageCells,
  summaryId: string,
): SummaryEntry | DeadOutcome {
  const deadSummary = s.deadSummaries.get(summaryId);
  if (deadSummary !== undefined) {
    return orphan(
      s,
      line,
      L,
      `summary record ${summaryId} (SummaryRecordId, cell ${u.summary + 1})`,
      deadSummary,
      'SummaryRecordId',
    );
  }
  const entry = s.summaries.get(summaryId);
  if (entry === undefined) {
    if (s.unkeyedDeadSummary !== null) {
      return orphan(
        s,
        line,
        L,
        `summary record ${summaryId} (SummaryRecordId, cell ${u.summary + 1}), which no readable summary line defines; the likely definition`,
        s.unkeyedDeadSummary,
        'SummaryRecordId',
      );
    }
    return s.dead(line, L.written, {
      stage: 'validate',
      errorClass: 'UNKNOWN_REFERENCE',
      cell: 'SummaryRecordId',
      message: `${L.written} cell ${u.summary + 1} (SummaryRecordId) is ${q(summaryId)}, but no summary record has that id${
        s.summaries.size > 0
          ? ` (summary ids in this file: ${listFirst(s.summaries.keys())})`
          : ' (the file has no summary records)'
      }`,
    });
  }
  return entry;
}
