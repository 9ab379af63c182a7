import type { Queryable } from '../../core/db/index.ts';
import type { IncomingMessage } from '../../core/kafka/index.ts';

// What the ledger does with a batch of one topic partition's records, inside the database
// transaction that also moves that partition's offset: whatever an applier writes happens
// exactly once. Appliers must not depend on the order of different topics (they are read
// side by side): each writes what its records say, and tables that two topics touch are
// combined so that either order gives the same rows.

export interface Applier {
  /** the logical topic name (core/topics' catalog) */
  topic: string;
  apply(db: Queryable, messages: readonly IncomingMessage[]): Promise<void>;
}

/** Adds `n` to a file's tally column, creating the row at zero first. */
export async function addToTallies(
  db: Queryable,
  column: 'matched' | 'unmatched' | 'match_dead' | 'corrected' | 'replayed',
  byFile: ReadonlyMap<string, number>,
): Promise<void> {
  const entries = [...byFile].filter(([, n]) => n !== 0);
  if (!entries.length) return;
  await db.query(
    `INSERT INTO file_tallies (file_id, ${column})
     SELECT * FROM unnest($1::text[], $2::bigint[])
     ON CONFLICT (file_id) DO UPDATE SET ${column} = file_tallies.${column} + EXCLUDED.${column}`,
    [entries.map(([f]) => f), entries.map(([, n]) => n)],
  );
}

export function bump(map: Map<string, number>, key: string, n = 1): void {
  map.set(key, (map.get(key) ?? 0) + n);
}
