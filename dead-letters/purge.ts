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
