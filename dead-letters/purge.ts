import { settlementsOf, type DeadLetterFilter, type DeadLetterItem, type DeadLetters } from './work-list.ts';

// `dlq purge`: takes dead letters off the work list (state purged). Kafka cannot delete a
// single record, so the line stays on usage.lines.dlq until the topic's retention; what
// changes is that no list, request or replay shows or touches it again. Only resolved lines
// are purged unless forced, and every purge is audited.

export interface PurgeSelection {
  purge: DeadLetterItem[];
  /** selected, but not resolved (and not forced) */
  refused: DeadLetterItem[];
}

export function purgeSelection(items: DeadLetterItem[], force: boolean): PurgeSelection {
  return {
    purge: items.filter((d) => force || d.state === 'resolved'),
    refused: items.filter((d) => !force && d.state !== 'resolved'),
  };
}

export async function applyPurge(
  deadLetters: DeadLetters,
  selection: PurgeSelection,
  scope: { filter: DeadLetterFilter; force: boolean; by: string },
): Promise<void> {
  // The audit record settles the lines (the ledger reads it); then the work list shows it.
  await deadLetters.record({
    action: 'purge',
    by: scope.by,
    scope: { filter: scope.filter, force: scope.force },
    lineIds: selection.purge.map((d) => d.lineId),
    result: {
      purged: selection.purge.length,
      refused: selection.refused.length,
      statesPurged: Object.fromEntries(
        [...new Set(selection.purge.map((d) => d.state))].map((s) => [
          s,
          selection.purge.filter((d) => d.state === s).length,
        ]),
      ),
    },
    settled: settlementsOf(selection.purge, 'purged', 'purged'),
  });
}

export interface PurgeResult {
  /** false: nothing to purge, or a dry run (not confirmed): `purged` is what would be */
  applied: boolean;
  purged: number;
  refused: number;
}

/**
 * `dlq purge` and `POST /v1/dead-letters/purge`: selects the filter's lines, and purges
 * them once `confirm` (asked with how many) says yes; otherwise tells what would be purged.
 */
export async function purge(
  deadLetters: DeadLetters,
  filter: DeadLetterFilter,
  options: { force: boolean; by: string; confirm: (lines: number) => Promise<boolean> },
): Promise<PurgeResult> {
  const selection = purgeSelection(await deadLetters.list(filter), options.force);
  const counts = { purged: selection.purge.length, refused: selection.refused.length };
  if (selection.purge.length === 0) return { applied: false, ...counts };
  if (!(await options.confirm(selection.purge.length))) return { applied: false, ...counts };
  await applyPurge(deadLetters, selection, { filter, force: options.force, by: options.by });
  return { applied: true, ...counts };
}
